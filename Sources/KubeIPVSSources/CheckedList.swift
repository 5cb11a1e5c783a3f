import Foundation
import KubeIPVSCore

/// The `items` of a list document, each checked (`CheckedItem.problem`) before it is decoded; a failing item
/// becomes a `KubeDecodeFailure` and the others still load.
struct CheckedList<Item: CheckedItem>: Decodable {
    var items: [Item] = []
    var failures: [KubeDecodeFailure] = []

    enum CodingKeys: String, CodingKey { case items }

    /// One item, decoded or refused with a reason.
    struct Element: Decodable {
        let result: Result<Item, ItemFailure>

        init(from decoder: any Decoder) throws {
            let header = (try? KubeObjectHeader(from: decoder)) ?? KubeObjectHeader.none
            let label = DocumentRouter.describe(header, header.kind ?? Item.fallbackKind)
            if let problem = Item.problem(header) {
                result = .failure(ItemFailure(reason: "\(label): \(problem)"))
                return
            }
            do { result = .success(try Item(from: decoder)) } catch {
                let reason = KubeDecoding.describe(error, dropping: decoder.codingPath.count)
                result = .failure(ItemFailure(reason: "\(label): \(reason)"))
            }
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.items), try !c.decodeNil(forKey: .items) else { return }
        var list = try c.nestedUnkeyedContainer(forKey: .items)
        var index = 0
        while !list.isAtEnd {
            switch try list.decode(Element.self).result {
            case .success(let item): items.append(item)
            case .failure(let failure): failures.append(KubeDecodeFailure(index: index, reason: failure.reason))
            }
            index += 1
        }
    }
}

/// Why one list item was refused.
struct ItemFailure: Error {
    let reason: String
}

extension KubeObjectHeader {
    /// A header with no fields (an item that is not even a mapping).
    static var none: KubeObjectHeader {
        // Decoding `{}` cannot fail.
        try! JSONDecoder().decode(KubeObjectHeader.self, from: Data("{}".utf8))
    }
}

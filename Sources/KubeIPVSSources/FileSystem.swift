#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX file operations the manifest loader needs, with errno kept in `SourceError`.
enum FileSystem {
    enum Kind { case file, directory, other }

    static func kind(_ path: String) throws(SourceError) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let e = errno
            throw SourceError(code: e == ENOENT ? .notFound : .unreadable, operation: "stat", path: path, errno: e)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// Entry names of a directory (no `.`/`..`), sorted bytewise.
    static func entries(_ path: String) throws(SourceError) -> [String] {
        guard let dir = opendir(path) else {
            throw SourceError(code: .unreadable, operation: "opendir", path: path, errno: errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The whole file as bytes (at most `limit`).
    static func read(_ path: String, limit: Int) throws(SourceError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw SourceError(code: e == ENOENT ? .notFound : .unreadable, operation: "open", path: path, errno: e)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SourceError(code: .unreadable, operation: "read", path: path, errno: errno)
            }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
            if bytes.count > limit { throw SourceError(code: .tooLarge, operation: "read", path: path) }
        }
    }
}

/// `read(2)` (the enum's own `read` hides the global one inside it).
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

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

    /// The whole content of a regular file (at most `limit` bytes). Opened with `O_NONBLOCK` so a FIFO or device
    /// cannot block the caller, then refused unless `fstat` says it is a regular file (symlinks are followed:
    /// ConfigMap volumes are symlinks). The file must not change while it is read: size, mtime and inode before
    /// and after must agree, and `path` must still name the same inode; otherwise `.changedDuringRead`.
    /// `midRead` runs after the first chunk (a test seam).
    static func read(_ path: String, limit: Int, midRead: () -> Void = {}) throws(SourceError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            let e = errno
            throw SourceError(code: e == ENOENT ? .notFound : .unreadable, operation: "open", path: path, errno: e)
        }
        defer { close(fd) }
        let before = try identity(fd, path)
        guard before.isRegular else { throw SourceError(code: .notRegularFile, operation: "open", path: path) }
        if before.size > limit { throw SourceError(code: .tooLarge, operation: "read", path: path) }
        let bytes = try readAll(fd, path, limit: limit, midRead: midRead)
        var now = stat()
        guard try identity(fd, path) == before, stat(path, &now) == 0, now.st_ino == before.inode,
              bytes.count == before.size else {
            throw SourceError(code: .changedDuringRead, operation: "read", path: path)
        }
        return bytes
    }

    /// What identifies one version of a file.
    struct Identity: Equatable {
        var isRegular: Bool
        var size: Int
        var inode: UInt
        var mtimeSeconds: Int
        var mtimeNanoseconds: Int
    }

    static func identity(_ fd: Int32, _ path: String) throws(SourceError) -> Identity {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw SourceError(code: .unreadable, operation: "fstat", path: path, errno: errno)
        }
        return Identity(isRegular: info.st_mode & S_IFMT == S_IFREG, size: Int(info.st_size), inode: UInt(info.st_ino),
                        mtimeSeconds: Int(info.st_mtim.tv_sec), mtimeNanoseconds: Int(info.st_mtim.tv_nsec))
    }

    static func readAll(_ fd: Int32, _ path: String, limit: Int, midRead: () -> Void) throws(SourceError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var first = true
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SourceError(code: .unreadable, operation: "read", path: path, errno: errno)
            }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
            if bytes.count > limit { throw SourceError(code: .tooLarge, operation: "read", path: path) }
            if first { midRead(); first = false }
        }
    }
}

/// `read(2)` (the enum's own `read` hides the global one inside it).
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

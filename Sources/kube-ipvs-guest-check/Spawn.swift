import Glibc

/// Runs a program (looked up in PATH) and returns its exit status and standard output.
func spawn(_ argv: [String], input: String? = nil) -> (status: Int32, output: String) {
    var outPipe: [Int32] = [0, 0], inPipe: [Int32] = [0, 0]
    guard pipe(&outPipe) == 0, pipe(&inPipe) == 0 else { return (-1, "pipe failed") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    for fd in outPipe + inPipe { posix_spawn_file_actions_addclose(&actions, fd) }
    var cArgs = argv.map { strdup($0) } + [nil]
    defer { for p in cArgs { free(p) } }
    var pid = pid_t()
    let rc = posix_spawnp(&pid, argv[0], &actions, nil, &cArgs, environ)
    close(outPipe[1]); close(inPipe[0])
    guard rc == 0 else {
        close(outPipe[0]); close(inPipe[1])
        return (-1, "posix_spawnp \(argv[0]): errno \(rc)")
    }
    if let input {
        // Feed stdin from a helper thread-free loop: write everything, then close (the child reads as we go).
        var bytes = Array(input.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(inPipe[1], $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes = bytes.dropFirst(n)
        }
    }
    close(inPipe[1])
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(outPipe[0], &buffer, buffer.count)
        if n <= 0 { break }
        output += buffer[0..<n]
    }
    close(outPipe[0])
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (exit, String(decoding: output, as: UTF8.self))
}

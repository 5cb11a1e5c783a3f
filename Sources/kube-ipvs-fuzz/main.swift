import Foundation
import KubeIPVSFuzzing

// libFuzzer driver for the targets in FuzzTarget (docs/fuzzing.md): `kube-ipvs-fuzz TARGET [libFuzzer options]
// [corpus dirs]`. Built only into the sanitizer build (KUBE_IPVS_FUZZ=1, scripts/fuzz.sh), which links
// libFuzzer; SwiftPM defines `main` itself, so libFuzzer is entered through LLVMFuzzerRunDriver.

typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>,
               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: FuzzCallback) -> CInt

nonisolated(unsafe) var selected = FuzzTarget.manifest

let arguments = CommandLine.arguments
guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")
    FileHandle.standardError.write(Data("usage: kube-ipvs-fuzz TARGET [libFuzzer options]; targets: \(names)\n".utf8))
    exit(2)
}
selected = target
// libFuzzer sees the program name followed by everything after TARGET.
var argc = CommandLine.argc - 1
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv.advanced(by: 1)
argv?[0] = CommandLine.unsafeArgv[0]
exit(runDriver(&argc, &argv) { data, size in
    selected.run(size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
})

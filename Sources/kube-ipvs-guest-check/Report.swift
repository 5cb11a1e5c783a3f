/// Collects PASS/FAIL lines and prints the summary the guest scripts look for.
final class Report {
    private(set) var passed = 0
    private(set) var failed = 0

    func record(_ name: String, _ failure: String?) {
        if let failure {
            failed += 1
            print("FAIL \(name): \(failure)")
        } else {
            passed += 1
            print("PASS \(name)")
        }
    }

    func check(_ name: String, _ condition: Bool, _ why: @autoclosure () -> String) {
        record(name, condition ? nil : why())
    }

    /// `GUEST-CHECK <tier>: N passed, M failed`; the exit status is non-zero on any failure or no check.
    func finish(_ tier: String) -> Int32 {
        print("GUEST-CHECK \(tier): \(passed) passed, \(failed) failed")
        return failed == 0 && passed > 0 ? 0 : 1
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SigV4

/// The current UTC time as a SigV4 `x-amz-date` (`YYYYMMDD'T'HHMMSS'Z'`), formatted once per second.
struct AmzDateClock {
    private var second: time_t = -1
    private var text = ""

    /// The `x-amz-date` for now.
    mutating func now() -> String {
        let current = time(nil)
        if current != second {
            second = current
            text = AmzDate.text(seconds: Int64(current))
        }
        return text
    }
}

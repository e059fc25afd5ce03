/// Dates for `Date…` conditions and `aws:CurrentTime`: the W3C profile of ISO 8601 that IAM
/// names (`2024-05`, `2024-05-01`, `2024-05-01T12:00:00Z`, `…T12:00:00.250+02:00`; a month alone
/// is its first day) or epoch seconds (`1714564800`; a bare number is always read as those), as
/// seconds since 1970 UTC. Parsed by hand: no Foundation, no formatter objects on the request path.
public enum PolicyDate {
    /// Seconds since 1970-01-01T00:00:00Z, or nil when `text` is neither form.
    static func parse(_ text: String) -> Double? {
        if let epoch = DecimalNumber.parse(text) { return epoch }
        return iso8601(text)
    }

    /// Seconds since 1970-01-01T00:00:00Z of an ISO 8601 date or time in the W3C profile, or
    /// nil: impossible dates (2026-11-31), times (24:00) and offsets are refused, not rolled over.
    public static func iso8601(_ text: String) -> Double? {
        var scanner = Scanner(Array(text.utf8))
        return scanner.iso8601()
    }

    /// Days from 1970-01-01 to the given civil date (proleptic Gregorian), after Howard Hinnant.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func iso8601() -> Double? {
            guard let year = digits(4), take("-"), let month = digits(2), (1...12).contains(month) else { return nil }
            if index == bytes.count { return Double(PolicyDate.daysSinceEpoch(year: year, month: month, day: 1)) * 86_400 }
            guard take("-"), let day = digits(2), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
            var seconds = Double(PolicyDate.daysSinceEpoch(year: year, month: month, day: day)) * 86_400
            guard index < bytes.count else { return seconds }
            guard take("T") || take("t") || take(" "), let hour = digits(2), take(":"), let minute = digits(2),
                hour < 24, minute < 60
            else { return nil }
            seconds += Double(hour * 3600 + minute * 60)
            if take(":") {
                guard let second = digits(2), second < 61 else { return nil }
                seconds += Double(second)
                if take(".") {
                    var scale = 0.1
                    let start = index
                    while let digit = digit() {
                        seconds += Double(digit) * scale
                        scale /= 10
                    }
                    guard index > start else { return nil }
                }
            }
            guard index < bytes.count else { return seconds }
            if take("Z") || take("z") { return index == bytes.count ? seconds : nil }
            let sign: Double
            if take("+") { sign = 1 } else if take("-") { sign = -1 } else { return nil }
            guard let offsetHours = digits(2) else { return nil }
            _ = take(":")
            guard let offsetMinutes = digits(2), index == bytes.count, offsetHours < 24, offsetMinutes < 60 else { return nil }
            return seconds - sign * Double(offsetHours * 3600 + offsetMinutes * 60)
        }

        private func daysIn(month: Int, year: Int) -> Int {
            switch month {
            case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
            case 4, 6, 9, 11: 30
            default: 31
            }
        }

        private mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        private mutating func digit() -> Int? {
            guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
            defer { index += 1 }
            return Int(bytes[index] - UInt8(ascii: "0"))
        }

        private mutating func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }
    }
}

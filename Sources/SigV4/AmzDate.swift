/// The `YYYYMMDD'T'HHMMSS'Z'` timestamps of SigV4.
public enum AmzDate {
    /// Seconds since the epoch of an AMZ date, or nil when malformed.
    public static func seconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13), let second = number(13..<15), (1...12).contains(month), (1...31).contains(day),
            hour < 24, minute < 60, second < 61, year >= 1970
        else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// The AMZ date of an HTTP `Date` header: as is when it is already one, converted from the
    /// RFC 1123 form in UTC (`Wed, 26 Nov 2026 07:30:00 GMT`, or with `+0000`/`-0000` as botocore
    /// writes it when a request carries a Date header); nil for anything else.
    public static func fromDateHeader(_ text: String) -> String? {
        if seconds(text) != nil { return text }
        let parts = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, parts[0].hasSuffix(","), ["GMT", "+0000", "-0000"].contains(parts[5]), parts[1].count == 2, parts[2].count == 3,
            let month = months.firstIndex(of: String(parts[2])), parts[3].count == 4, parts[4].count == 8
        else { return nil }
        let time = parts[4].split(separator: ":")
        guard time.count == 3, time.allSatisfy({ $0.count == 2 }) else { return nil }
        let monthText = month + 1 < 10 ? "0\(month + 1)" : "\(month + 1)"
        let candidate = "\(parts[3])\(monthText)\(parts[1])T\(time.joined())Z"
        return seconds(candidate) != nil ? candidate : nil
    }

    /// The AMZ date of a time in seconds since the epoch (the inverse of `seconds(_:)`).
    public static func text(seconds: Int64) -> String {
        let (date, time) = fields(seconds: seconds)
        return date.joined() + "T" + time.joined() + "Z"
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (ISO 8601 extended, UTC) for a time in seconds since the epoch, as
    /// CloudTrail's eventTime and IAM's `aws:CurrentTime` write it.
    public static func iso8601(seconds: Int64) -> String {
        let (date, time) = fields(seconds: seconds)
        return date.joined(separator: "-") + "T" + time.joined(separator: ":") + "Z"
    }

    /// The zero-padded year, month and day, and hour, minute and second (UTC) of a time in seconds.
    private static func fields(seconds: Int64) -> (date: [String], time: [String]) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilFromDays(days)
        func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let time = [secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60].map(twoDigits)
        return (["\(year)", twoDigits(month), twoDigits(day)], time)
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    public static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

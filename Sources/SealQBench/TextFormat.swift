/// Number and column formatting for reports and progress lines, without Foundation.
enum TextFormat {
    /// `1234567` as `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// `value` rounded to `decimals` places, with grouped thousands.
    static func fixed(_ value: Double, decimals: Int = 1) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((value * Double(scale)).rounded())
        let whole = grouped(scaled / scale)
        guard decimals > 0 else { return whole }
        let fraction = String(abs(scaled % scale))
        let sign = scaled < 0 && scaled / scale == 0 ? "-" : ""
        return sign + whole + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// Seconds in `duration`, as a fraction.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// `text` right-aligned in `width` columns.
    static func right(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// `text` left-aligned in `width` columns.
    static func left(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}

/// The IAM model's constraints on request members, collected as the service's request
/// validation words them (`Value '…' at 'path' failed to satisfy constraint: …`).
struct ConstraintCheck {
    var violations: [String] = []

    /// Lengths count UTF-16 code units, as the service's validation does.
    mutating func length(_ value: String, at path: String, _ range: ClosedRange<Int>, quoted: Bool = true) {
        let length = value.utf16.count
        let shown = quoted ? "Value '\(value)'" : "Value"
        if length < range.lowerBound {
            violations.append(
                "\(shown) at '\(path)' failed to satisfy constraint: Member must have length greater than or equal to \(range.lowerBound)")
        } else if length > range.upperBound {
            violations.append(
                "\(shown) at '\(path)' failed to satisfy constraint: Member must have length less than or equal to \(range.upperBound)")
        }
    }

    /// Reports `value` unless `allowed` accepts every character of it; `pattern` is the model's.
    mutating func pattern(
        _ value: String, at path: String, quoted: Bool, allowed: (UInt32) -> Bool, shown pattern: String
    ) {
        guard !value.unicodeScalars.allSatisfy({ allowed($0.value) }) else { return }
        let shown = quoted ? "Value '\(value)'" : "Value"
        violations.append("\(shown) at '\(path)' failed to satisfy constraint: Member must satisfy regular expression pattern: \(pattern)")
    }

    /// IAM's paging members: `MaxItems` 1–1,000 and a `Marker` of 1–320 Latin-1 characters.
    mutating func paging(maxItems: Int?, marker: String?) {
        if let maxItems, !(1...1000).contains(maxItems) {
            let bound = maxItems < 1 ? "greater than or equal to 1" : "less than or equal to 1000"
            violations.append("Value '\(maxItems)' at 'maxItems' failed to satisfy constraint: Member must have value \(bound)")
        }
        if let marker {
            length(marker, at: "marker", 1...320)
            pattern(marker, at: "marker", quoted: true, allowed: { (0x20...0xFF).contains($0) }, shown: #"[\u0020-\u00FF]+"#)
        }
    }
}

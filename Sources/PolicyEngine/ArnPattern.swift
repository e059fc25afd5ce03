/// An ARN pattern, matched colon-segment by colon-segment: `arn:partition:service:region:account:resource`.
///
/// Wildcards match within their segment only; the resource segment (everything after the fifth
/// colon) may itself hold colons. A pattern with fewer than six segments lets its last segment
/// (which for `Resource` must end in `*`) expand over the rest of the ARN, colons included, as
/// the IAM guide describes for a trailing `*`.
struct ArnPattern: Sendable {
    /// The segments, at most six.
    let segments: [WildcardPattern]

    /// Splits compiled elements at their first five literal colons.
    init(elements: [WildcardPattern.Element]) {
        var segments: [WildcardPattern] = []
        var current: [WildcardPattern.Element] = []
        for element in elements {
            if element == .byte(UInt8(ascii: ":")), segments.count < 5 {
                segments.append(WildcardPattern(elements: current))
                current = []
            } else {
                current.append(element)
            }
        }
        segments.append(WildcardPattern(elements: current))
        self.segments = segments
    }

    /// Whether `arn` matches.
    func matches(_ arn: ArnText) -> Bool {
        guard arn.colons.count >= segments.count - 1 else { return false }
        return arn.bytes.withUnsafeBufferPointer { bytes in
            var start = 0
            for (index, segment) in segments.enumerated() {
                let isLast = index == segments.count - 1
                let end = isLast ? bytes.count : arn.colons[index]
                guard segment.matches(bytes, from: start, to: end) else { return false }
                start = end + 1
            }
            return true
        }
    }
}

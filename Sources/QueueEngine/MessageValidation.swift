/// AWS's rules for message bodies, attributes and batch entry ids.
public enum MessageValidation {
    /// Throws `InvalidMessageContents` unless every character is one XML 1.0 allows, naming the
    /// first one refused as AWS does ("Invalid binary character '#x7' was found in the message
    /// body, …"). `field` names where the text came from: the message body, or an attribute.
    ///
    /// Works on the UTF-8 bytes: a Swift string holds no surrogates, so the only characters to
    /// refuse are C0 controls other than tab, line feed and carriage return, and U+FFFE/U+FFFF
    /// (`EF BF BE`, `EF BF BF`).
    public static func checkBody(_ body: String, field: String = "the message body") throws(SQSError) {
        guard isXMLText(body) else {
            let refused = body.unicodeScalars.first { !isXMLText(String($0)) }?.value ?? 0
            throw SQSError(
                .invalidMessageContents,
                "Invalid binary character '#x\(String(refused, radix: 16, uppercase: true))' was found in \(field), the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].")
        }
    }

    /// Whether every character of `text` is one XML 1.0 allows (see `checkBody`).
    static func isXMLText(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes -> Bool in
            func allowedByte(at index: Int) -> Bool {
                let byte = bytes[index]
                if byte < 0x20 && byte != 0x9 && byte != 0xA && byte != 0xD { return false }
                return !(byte == 0xEF && index + 2 < bytes.count && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE)
            }
            // Whole 8-byte words with no byte below 0x20 and no 0xEF lead byte need no closer look.
            let lows: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            var index = 0
            while index + 8 <= bytes.count {
                let word = UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let xored = word ^ (lows &* 0xEF)
                let suspicious = ((word &- lows &* 0x20) & ~word & highs) | ((xored &- lows) & ~xored & highs)
                if suspicious != 0 {
                    for position in index..<index + 8 where !allowedByte(at: position) { return false }
                }
                index += 8
            }
            while index < bytes.count {
                if !allowedByte(at: index) { return false }
                index += 1
            }
            return true
        }
    }

    /// Validates user message attributes: at most 10, legal names, typed values.
    public static func checkAttributes(_ attributes: [String: MessageAttributeValue]) throws(SQSError) {
        guard attributes.count <= 10 else {
            throw SQSError(
                .invalidParameterValue,
                "Number of message attributes [\(attributes.count)] exceeds the allowed maximum [10].")
        }
        for (name, value) in attributes {
            guard !name.isEmpty else { throw emptyAttributeName }
            try checkAttributeName(name)
            try checkValue(value, name: name)
        }
    }

    /// AWS's error for an attribute without a name.
    public static let emptyAttributeName = SQSError(.invalidParameterValue, "The request must contain non-empty message attribute name.")

    /// Validates system attributes: only `AWSTraceHeader`, of type String.
    public static func checkSystemAttributes(_ attributes: [String: MessageAttributeValue]) throws(SQSError) {
        for (name, value) in attributes {
            guard name == "AWSTraceHeader" else {
                throw SQSError(.invalidParameterValue, "Message system attribute name '\(name)' is invalid.")
            }
            guard value.dataType == "String", let text = value.stringValue, !text.isEmpty else {
                throw SQSError(
                    .invalidParameterValue, "Message system attribute '\(name)' must be of type String with a value.")
            }
            try checkBody(text, field: "message system attribute '\(name)'")
        }
    }

    /// The size SQS counts for a message: body plus every attribute's name, type and value.
    public static func size(body: String, attributes: [String: MessageAttributeValue]) -> Int {
        var total = body.utf8.count
        for (name, value) in attributes {
            total += name.utf8.count + value.dataType.utf8.count
            total += value.stringValue?.utf8.count ?? 0
            total += value.binaryValue?.count ?? 0
        }
        return total
    }

    /// Throws `InvalidParameterValue` unless `name` follows SQS's message attribute name rules.
    static func checkAttributeName(_ name: String) throws(SQSError) {
        let legal = !name.isEmpty && name.utf8.count <= 256
            && name.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
            && !name.hasPrefix(".") && !name.hasSuffix(".") && !name.contains("..")
        guard legal else {
            throw SQSError(
                .invalidParameterValue,
                "Message (user) attribute name '\(name)' is invalid. The attribute name can contain alphanumeric characters and the underscore (_), hyphen (-), and period (.) characters, must not start or end with a period, must not have successive periods, and must be at most 256 characters.")
        }
        let lower = name.lowercased()
        guard !lower.hasPrefix("aws."), !lower.hasPrefix("amazon.") else {
            throw SQSError(
                .invalidParameterValue,
                "Message (user) attribute name '\(name)' is invalid. The attribute name can not start with a reserved prefix ('AWS.' or 'Amazon.').")
        }
    }

    private static func checkValue(_ value: MessageAttributeValue, name: String) throws(SQSError) {
        let type = value.dataType
        guard !type.isEmpty else {
            throw SQSError(.invalidParameterValue, "The message attribute '\(name)' must contain non-empty message attribute type.")
        }
        guard type.utf16.count <= 256 else {
            throw SQSError(.invalidParameterValue, "The message attribute '\(name)' has a type that is longer than 256 characters.")
        }
        guard isXMLText(type) else {
            throw SQSError(.invalidParameterValue, "The message attribute '\(name)' has a type with characters that are not allowed.")
        }
        // Built only when thrown: this runs for every attribute of every message sent.
        func empty() -> SQSError {
            SQSError(.invalidParameterValue, "Message (user) attribute '\(name)' must contain a non-empty value of type '\(value.baseType)'.")
        }
        switch value.baseType {
        case "String", "Number":
            guard value.binaryValue == nil else {
                throw SQSError(
                    .invalidParameterValue,
                    "The message attribute '\(name)' with type '\(value.baseType)' must use field 'String'.")
            }
            guard let text = value.stringValue, !text.isEmpty else { throw empty() }
            if value.baseType == "Number" { try checkNumber(text, name: name) }
            try checkBody(text, field: "message attribute '\(name)'")
        case "Binary":
            guard value.stringValue == nil else {
                throw SQSError(.invalidParameterValue, "The message attribute '\(name)' with type 'Binary' must use field 'Binary'.")
            }
            guard let bytes = value.binaryValue, !bytes.isEmpty else { throw empty() }
        default:
            throw SQSError(
                .invalidParameterValue,
                "The type of message (user) attribute '\(name)' is invalid. You must use only the following supported type prefixes: Binary, Number, String.")
        }
    }

    private static func checkNumber(_ text: String, name: String) throws(SQSError) {
        guard isSQSNumber(text) else {
            throw SQSError(.invalidParameterValue, "Can't cast the value of message (user) attribute '\(name)' to a number.")
        }
    }

    /// Whether `text` is a decimal number as SQS takes them: an optional sign, digits with an
    /// optional point, an optional exponent; at most 38 significant digits; zero or a magnitude
    /// between 10^-128 and 10^+126 inclusive.
    static func isSQSNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        func take(_ accepted: (UInt8) -> Bool) -> ArraySlice<UInt8> {
            let start = index
            while index < bytes.count && accepted(bytes[index]) { index += 1 }
            return bytes[start..<index]
        }
        _ = take { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
        guard index <= 1 else { return false }
        let integer = take(isDigit)
        var fraction: ArraySlice<UInt8> = []
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            fraction = take(isDigit)
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return false }
        var exponent = 0
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            let sign = take { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
            let digits = take(isDigit)
            guard sign.count <= 1, !digits.isEmpty else { return false }
            // Leading zeros aside, an exponent past six digits is far outside the range anyway.
            let significant = digits.drop { $0 == UInt8(ascii: "0") }
            guard significant.count <= 6 else { return false }
            exponent = significant.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) } * (sign.first == UInt8(ascii: "-") ? -1 : 1)
        }
        guard index == bytes.count else { return false }
        let digits = Array(integer) + Array(fraction)
        guard let first = digits.firstIndex(where: { $0 != UInt8(ascii: "0") }),
            let last = digits.lastIndex(where: { $0 != UInt8(ascii: "0") })
        else { return true }
        guard last - first + 1 <= 38 else { return false }
        // The power of ten of the leading significant digit: 10^126 itself is the largest value.
        let magnitude = integer.count - 1 - first + exponent
        return (-128...125).contains(magnitude) || (magnitude == 126 && first == last && digits[first] == UInt8(ascii: "1"))
    }

    /// Throws `InvalidBatchEntryId` unless `id` is 1–80 characters of `[A-Za-z0-9_-]`.
    public static func checkBatchEntryId(_ id: String) throws(SQSError) {
        let legal = !id.isEmpty && id.utf8.count <= 80
            && id.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
        guard legal else {
            throw SQSError(
                .invalidBatchEntryId,
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
        }
    }

    /// Checks a batch's entry count and id rules, in AWS's order.
    public static func checkBatch(ids: [String], action: String) throws(SQSError) {
        guard !ids.isEmpty else {
            throw SQSError(.emptyBatchRequest, "There should be at least one \(action)RequestEntry in the request.")
        }
        guard ids.count <= 10 else {
            throw SQSError(.tooManyEntriesInBatchRequest, "Maximum number of entries per request are 10. You have sent \(ids.count).")
        }
        for id in ids { try checkBatchEntryId(id) }
        guard Set(ids).count == ids.count else {
            throw SQSError(.batchEntryIdsNotDistinct, "Id \(firstDuplicate(ids)) repeated.")
        }
    }

    /// Throws `InvalidParameterValue` unless a FIFO group or deduplication id is 1–128 characters
    /// of alphanumerics and ASCII punctuation.
    public static func checkFifoToken(_ value: String, parameter: String) throws(SQSError) {
        let legal = !value.isEmpty && value.utf8.count <= 128
            && value.utf8.allSatisfy { isAlphanumeric($0) || (0x21...0x7E).contains($0) }
        guard legal else {
            throw SQSError.invalidParameter(
                parameter, value: value,
                reason: "\(parameter) can only include alphanumeric and punctuation characters. 1 to 128 in length.")
        }
    }

    private static func firstDuplicate(_ ids: [String]) -> String {
        var seen = Set<String>()
        for id in ids where !seen.insert(id).inserted { return id }
        return ""
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

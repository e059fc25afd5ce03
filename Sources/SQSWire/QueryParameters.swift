import Foundation
import QueueEngine
import WireFormat

/// Request members from a flattened Query parameter set (`Attribute.1.Name=…`).
struct QueryParameters: RequestParameters {
    let values: [String: String]
    let prefix: String
    /// The lists of `values`, shared by the parameters of its nested structures.
    private let lists: FlattenedListIndex

    init(values: [String: String]) {
        self.init(values: values, prefix: "", lists: FlattenedListIndex(names: values.keys))
    }

    private init(values: [String: String], prefix: String, lists: FlattenedListIndex) {
        self.values = values
        self.prefix = prefix
        self.lists = lists
    }

    func string(_ name: String) throws(WireError) -> String? {
        values[prefix + name]
    }

    func integer(_ name: String) throws(WireError) -> Int? {
        guard let text = values[prefix + name] else { return nil }
        guard let value = Int(text) else {
            throw WireError(SQSError.invalidParameter(name, value: text, reason: "Must be an integer."))
        }
        return value
    }

    /// The flattened list `query.1`, `query.2`, …; a bare `query` (as in AWS's own
    /// `AttributeName=All` example) is a list of one.
    func strings(_ name: String, query: String) throws(WireError) -> [String] {
        let items = indices(of: query).compactMap { values["\(prefix)\(query).\($0)"] }
        guard items.isEmpty, let single = values[prefix + query] else { return items }
        return [single]
    }

    func stringMap(_ name: String, query: String, key: String, value: String) throws(WireError) -> [String: String] {
        var result: [String: String] = [:]
        for entry in entries(of: query, naming: key) {
            guard let entryKey = values[entry + key] else { continue }
            result[entryKey] = values[entry + value] ?? ""
        }
        return result
    }

    func attributeValues(_ name: String, query: String, operation: String) throws(WireError) -> [String: MessageAttributeValue] {
        var result: [String: MessageAttributeValue] = [:]
        for entry in entries(of: query, naming: "Name") {
            // An entry without a name is refused, not dropped with its value.
            guard let attributeName = values[entry + "Name"], !attributeName.isEmpty else {
                throw WireError(MessageValidation.emptyAttributeName)
            }
            guard result[attributeName] == nil else {
                throw WireError(SQSError(
                    .invalidParameterValue, "Message (user) attribute name '\(attributeName)' is repeated: attribute names must be unique."))
            }
            for list in ["Value.StringListValue.", "Value.BinaryListValue."] where !lists.indices(under: entry + list).isEmpty {
                throw WireError(SQSError.listValuesUnsupported(in: operation))
            }
            var binary: [UInt8]?
            if let text = values[entry + "Value.BinaryValue"] {
                // The value is message content (sealed at rest): it is not repeated in the error.
                guard let data = Data(base64Encoded: text) else {
                    throw WireError(SQSError(.invalidParameterValue, "The BinaryValue of message attribute \(attributeName) is not valid base64."))
                }
                binary = [UInt8](data)
            }
            result[attributeName] = MessageAttributeValue(
                dataType: values[entry + "Value.DataType"] ?? "", stringValue: values[entry + "Value.StringValue"],
                binaryValue: binary)
        }
        return result
    }

    func structures(_ name: String, query: String) throws(WireError) -> [any RequestParameters] {
        indices(of: query).map { QueryParameters(values: values, prefix: "\(prefix)\(query).\($0).", lists: lists) }
    }

    /// The key prefixes of the entries of the flattened map `query` (`query.1.`, `query.2.`, …),
    /// and `query.` when `query.member` is given: a bare entry (as in AWS's own
    /// `Attribute.Name=…&Attribute.Value=…` SetQueueAttributes example) counts as one more entry,
    /// never dropped.
    private func entries(of query: String, naming member: String) -> [String] {
        let bare = "\(prefix)\(query)."
        return indices(of: query).map { "\(bare)\($0)." } + (values[bare + member] != nil ? [bare] : [])
    }

    /// The distinct positive indices `N` of `prefix + element + ".N"` keys, in numeric order.
    private func indices(of element: String) -> [Int] {
        lists.indices(under: prefix + element + ".")
    }
}

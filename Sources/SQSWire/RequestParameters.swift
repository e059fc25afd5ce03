import WireJSON
import Foundation
import QueueEngine

/// Typed access to a request's members, whichever protocol carried them.
///
/// Each accessor names the member as the JSON protocol spells it and, where the Query protocol
/// flattens it differently, the Query element name too.
protocol RequestParameters {
    /// A string member.
    func string(_ name: String) throws(WireError) -> String?
    /// An integer member.
    func integer(_ name: String) throws(WireError) -> Int?
    /// A list of strings (`Name.1`, `Name.2`, … in Query).
    func strings(_ name: String, query: String) throws(WireError) -> [String]
    /// A string-to-string map (`Entry.N.Key`/`Entry.N.Value` in Query).
    func stringMap(_ name: String, query: String, key: String, value: String) throws(WireError) -> [String: String]
    /// A map of message attribute values (`Entry.N.Name`, `Entry.N.Value.DataType`, … in Query).
    /// A value with `StringListValues` or `BinaryListValues` ("not implemented, reserved for
    /// future use") is refused as AWS refuses it, naming `operation`.
    func attributeValues(_ name: String, query: String, operation: String) throws(WireError) -> [String: MessageAttributeValue]
    /// A list of structures, each read with the same accessors.
    func structures(_ name: String, query: String) throws(WireError) -> [any RequestParameters]
}

extension RequestParameters {
    /// A string member that must be present.
    func requiredString(_ name: String) throws(WireError) -> String {
        guard let value = try string(name) else { throw WireError(SQSError.missingParameter(name)) }
        return value
    }

    /// An integer member that must be present.
    func requiredInteger(_ name: String) throws(WireError) -> Int {
        guard let value = try integer(name) else { throw WireError(SQSError.missingParameter(name)) }
        return value
    }
}

/// Request members from an AWS JSON 1.0 body.
struct JSONParameters: RequestParameters {
    let object: [String: JSONValue]

    func string(_ name: String) throws(WireError) -> String? {
        switch object[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        case let other?: throw Self.mismatch(name, other, expected: "String")
        }
    }

    func integer(_ name: String) throws(WireError) -> Int? {
        switch object[name] {
        case nil, .null?: return nil
        case .number(let value)? where value.rounded() == value && abs(value) < 1e15: return Int(value)
        case let other?: throw Self.mismatch(name, other, expected: "Integer")
        }
    }

    func strings(_ name: String, query: String) throws(WireError) -> [String] {
        guard let items = try array(name) else { return [] }
        var result: [String] = []
        for item in items {
            guard case .string(let value) = item else { throw Self.mismatch(name, item, expected: "String") }
            result.append(value)
        }
        return result
    }

    func stringMap(_ name: String, query: String, key: String, value: String) throws(WireError) -> [String: String] {
        guard let members = try map(name) else { return [:] }
        var result: [String: String] = [:]
        for (key, item) in members {
            guard case .string(let text) = item else { throw Self.mismatch(name, item, expected: "String") }
            result[key] = text
        }
        return result
    }

    func attributeValues(_ name: String, query: String, operation: String) throws(WireError) -> [String: MessageAttributeValue] {
        guard let members = try map(name) else { return [:] }
        var result: [String: MessageAttributeValue] = [:]
        for (key, item) in members {
            guard case .object(let fields) = item else { throw Self.mismatch(name, item, expected: "MessageAttributeValue") }
            for list in ["StringListValues", "BinaryListValues"] {
                guard let member = fields[list] else { continue }
                if case .null = member { continue }
                throw WireError(SQSError.listValuesUnsupported(in: operation))
            }
            let value = JSONParameters(object: fields)
            var binary: [UInt8]?
            if let text = try value.string("BinaryValue") {
                guard let data = Data(base64Encoded: text) else {
                    throw WireError.serialization("Base64 encoded value of BinaryValue is invalid.")
                }
                binary = [UInt8](data)
            }
            result[key] = MessageAttributeValue(
                dataType: try value.string("DataType") ?? "", stringValue: try value.string("StringValue"), binaryValue: binary)
        }
        return result
    }

    func structures(_ name: String, query: String) throws(WireError) -> [any RequestParameters] {
        guard let items = try array(name) else { return [] }
        var result: [any RequestParameters] = []
        for item in items {
            guard case .object(let fields) = item else { throw Self.mismatch(name, item, expected: "Structure") }
            result.append(JSONParameters(object: fields))
        }
        return result
    }

    private func array(_ name: String) throws(WireError) -> [JSONValue]? {
        switch object[name] {
        case nil, .null?: return nil
        case .array(let items)?: return items
        case let other?: throw Self.mismatch(name, other, expected: "List")
        }
    }

    private func map(_ name: String) throws(WireError) -> [String: JSONValue]? {
        switch object[name] {
        case nil, .null?: return nil
        case .object(let members)?: return members
        case let other?: throw Self.mismatch(name, other, expected: "Map")
        }
    }

    private static func mismatch(_ name: String, _ value: JSONValue, expected: String) -> WireError {
        WireError.serialization("\(value.typeName) can not be converted to \(expected) for member \(name)")
    }
}

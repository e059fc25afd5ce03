import AuditWire
import Testing

@Suite("LookupEvents requests as CloudTrail checks them")
struct LookupQueryTests {
    func decode(_ json: String, target: String? = LookupQuery.target) throws(CloudTrailError) -> LookupQuery {
        try LookupQuery.decode(target: target, body: Array(json.utf8))
    }

    func error(_ json: String, target: String? = LookupQuery.target) -> String? {
        do {
            _ = try decode(json, target: target)
            return nil
        } catch {
            return error.type
        }
    }

    @Test("Defaults, every attribute key, several at once, times in seconds, page size and token")
    func decodes() throws {
        let empty = try decode("{}")
        #expect(empty.attributes.isEmpty && empty.maxResults == 50 && empty.startTime == nil && !empty.insightsOnly)
        let full = try decode(#"""
            {"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"producer"},{"AttributeKey":"EventName","AttributeValue":"SendMessage"}],
             "StartTime":1795000000.5,"EndTime":1795000100,"MaxResults":7,"NextToken":"abc"}
            """#)
        #expect(full.attributes.map(\.0) == [.username, .eventName] && full.attributes.map(\.1) == ["producer", "SendMessage"])
        #expect(full.startTime == 1_795_000_000_500 && full.endTime == 1_795_000_100_000 && full.maxResults == 7 && full.nextToken == "abc")
        for key in LookupQuery.Attribute.allCases {
            let value = key == .readOnly ? "true" : "x"
            #expect(try decode(#"{"LookupAttributes":[{"AttributeKey":"\#(key.rawValue)","AttributeValue":"\#(value)"}]}"#).attributes.count == 1)
        }
        #expect(try decode(#"{"EventCategory":"insight"}"#).insightsOnly)
    }

    @Test("AttributeValue: at most 2,000 characters, with _, space, comma and newline counting twice")
    func attributeValueLength() throws {
        func query(_ value: String) -> String { #"{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"\#(value)"}]}"# }
        #expect(error(query(String(repeating: "a", count: 2000))) == nil)
        #expect(error(query(String(repeating: "_", count: 1000))) == nil)
        #expect(error(query(String(repeating: "_", count: 1001))) == "InvalidLookupAttributesException")
        #expect(error(query(String(repeating: "a", count: 1999) + " ")) == "InvalidLookupAttributesException")
    }

    @Test("A member set to null counts as not given")
    func nullMembers() throws {
        let query = try decode(#"{"MaxResults":null,"EventCategory":null,"NextToken":null,"StartTime":null,"LookupAttributes":null}"#)
        #expect(query.maxResults == 50 && !query.insightsOnly && query.nextToken == nil && query.startTime == nil && query.attributes.isEmpty)
    }

    @Test("A token is bound to the filters, not to the page size")
    func filterText() throws {
        let first = try decode(#"{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"a"}],"MaxResults":1}"#)
        let second = try decode(#"{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"a"}],"MaxResults":9}"#)
        let other = try decode(#"{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"b"}]}"#)
        #expect(first.filterText == second.filterText && first.filterText != other.filterText)
    }

    @Test("Bad input gets CloudTrail's errors", arguments: [
        (#"{"LookupAttributes":[{"AttributeKey":"Colour","AttributeValue":"x"}]}"#, "InvalidLookupAttributesException"),
        (#"{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":""}]}"#, "InvalidLookupAttributesException"),
        (#"{"LookupAttributes":[{"AttributeKey":"Username"}]}"#, "InvalidLookupAttributesException"),
        (#"{"LookupAttributes":[{"AttributeKey":"ReadOnly","AttributeValue":"yes"}]}"#, "InvalidLookupAttributesException"),
        (#"{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"a"},{"AttributeKey":"Username","AttributeValue":"b"}]}"#, "InvalidLookupAttributesException"),
        (#"{"StartTime":20,"EndTime":10}"#, "InvalidTimeRangeException"),
        (#"{"StartTime":-1}"#, "InvalidTimeRangeException"),
        (#"{"EndTime":99999999999}"#, "InvalidTimeRangeException"),
        (#"{"MaxResults":0}"#, "InvalidMaxResultsException"),
        (#"{"MaxResults":51}"#, "InvalidMaxResultsException"),
        (#"{"NextToken":""}"#, "InvalidNextTokenException"),
        (#"{"EventCategory":"management"}"#, "InvalidEventCategoryException"),
        (#"{"StartTime":"yesterday"}"#, "SerializationException"),
        ("[1]", "SerializationException"),
        ("{", "SerializationException"),
    ])
    func errors(json: String, code: String) {
        #expect(error(json) == code)
    }

    @Test("Any other operation is UnknownOperationException")
    func unknownOperation() {
        #expect(error("{}", target: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.CreateTrail") == "UnknownOperationException")
        #expect(error("{}", target: nil) == "UnknownOperationException")
    }
}

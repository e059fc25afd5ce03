import Testing
import WireFormat

@testable import SQSWire

@Suite("FormDecoding and QueueURL")
struct FormDecodingAndQueueURLTests {
    private func parse(_ text: String) throws -> [String: String] {
        var result: [String: String] = [:]
        try FormDecoding.parameters(Substring(text), into: &result)
        return result
    }

    @Test("Pairs are split on & and =, with + as space and %XX escapes decoded")
    func parsesPairs() throws {
        #expect(try parse("Action=SendMessage&MessageBody=hello+world%21&Plus=%2B&Empty=&Bare")
            == ["Action": "SendMessage", "MessageBody": "hello world!", "Plus": "+", "Empty": "", "Bare": ""])
        #expect(try parse("a=b=c") == ["a": "b=c"], "only the first '=' separates")
        #expect(try parse("&&a=1&&") == ["a": "1"])
        #expect(try parse("") == [:])
        #expect(try parse("Attribute.1.Name=Policy&Attribute.1.Value=%7B%22a%22%3A1%7D")["Attribute.1.Value"] == #"{"a":1}"#)
        #expect(try parse("k=%C3%BC%E1%88%B4%0D%0A") == ["k": "üሴ\r\n"])
    }

    @Test("The last of repeated names wins, and existing entries are merged into")
    func repeatedNames() throws {
        var result = ["Action": "FromQuery", "Keep": "yes"]
        try FormDecoding.parameters("Action=FromBody&Action=Last", into: &result)
        #expect(result == ["Action": "Last", "Keep": "yes"])
    }

    @Test("Where repeats are refused (a query string), a repeated name is malformed; one already in the result is not a repeat")
    func refusedRepeats() throws {
        var result = ["Action": "FromEarlier"]
        #expect(throws: FormDecoding.Malformed.self) {
            try FormDecoding.parameters("MessageBody=first&MessageBody=second", into: &result) { _ in false }
        }
        result = ["Action": "FromEarlier"]
        try FormDecoding.parameters("Action=Mine&Other=1&Free=a&Free=b", into: &result) { $0 == "Free" }
        #expect(result == ["Action": "Mine", "Other": "1", "Free": "b"])
    }

    @Test("Bad escapes and invalid UTF-8 are refused", arguments: ["a=%", "a=%4", "a=%ZZ", "%=1", "a=%FF", "a=%C3", "a=%ED%A0%80"])
    func malformed(text: String) {
        #expect(throws: FormDecoding.Malformed.self, "\(text)") { _ = try parse(text) }
    }

    @Test("QueueURL.make joins base URL, account and name")
    func makeURL() {
        #expect(QueueURL.make(baseURL: "http://localhost:9324", accountId: "000000000000", name: "q") == "http://localhost:9324/000000000000/q")
    }

    @Test("QueueURL.queueName accepts URLs and paths of the account")
    func queueNames() {
        let cases: [(String, String?)] = [
            ("http://localhost:9324/000000000000/q", "q"),
            ("https://example.com/000000000000/jobs.fifo", "jobs.fifo"),
            ("http://h/000000000000/q/", "q"),
            ("http://h/000000000000/q?Action=SendMessage", "q"),
            ("/000000000000/q", "q"),
            ("/000000000000/q?x=1", "q"),
            // Percent-escapes are decoded (RFC 3986); a malformed one is kept as written.
            ("/000000000000/%61lpha", "alpha"),
            ("http://h/%30%30%30000000000/jobs%2Efifo", "jobs.fifo"),
            ("/000000000000/a%2Fb", "a/b"),
            ("/000000000000/q%zz", "q%zz"),
            ("http://h/111111111111/q", nil),
            ("http://h", nil),
            ("http://h/", nil),
            ("http://h/000000000000", nil),
            ("http://h/000000000000/a/b", nil),
            ("/", nil),
            ("", nil),
        ]
        for (url, expected) in cases {
            #expect(QueueURL.queueName(in: url, accountId: "000000000000") == expected, "\(url)")
        }
    }

    @Test("make and queueName round-trip")
    func roundTrip() {
        let url = QueueURL.make(baseURL: "http://10.0.0.1:80", accountId: "123456789012", name: "a-b_c")
        #expect(QueueURL.queueName(in: url, accountId: "123456789012") == "a-b_c")
        #expect(QueueURL.queueName(in: url, accountId: "000000000000") == nil)
    }

    @Test("FlattenedListIndex finds every list's items, nested ones too, in numeric order")
    func listIndex() {
        let lists = FlattenedListIndex(names: [
            "Action", "Entry.10.Id", "Entry.2.Id", "Entry.2.MessageAttribute.3.Name", "Entry.2.MessageAttribute.1.Name",
            "Entry.01.Id", "Entry.0.Id", "Entry.-1.Id", "Entry.+4.Id", "Entry.5x.Id", "Entry..Id", "Names.member.7",
        ])
        #expect(lists.indices(under: "Entry.") == [2, 10], "Entry.01 is not looked up as Entry.1, so it is no item")
        #expect(lists.indices(under: "Entry.2.MessageAttribute.") == [1, 3])
        #expect(lists.indices(under: "Entry.10.MessageAttribute.") == [])
        #expect(lists.indices(under: "Names.member.") == [7])
        #expect(lists.indices(under: "Action.") == [])
    }

    @Test("FlattenedListIndex looks at a name's first eight dots: the deepest real member is found, segments past them are not")
    func listIndexDepth() {
        let deep = "a" + String(repeating: ".1", count: 9)
        let lists = FlattenedListIndex(names: ["SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.StringListValue.3", deep])
        #expect(lists.indices(under: "SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.StringListValue.") == [3])
        #expect(lists.indices(under: "a" + String(repeating: ".1", count: 7) + ".") == [1])
        #expect(lists.indices(under: "a" + String(repeating: ".1", count: 8) + ".") == [])
    }
}

import Testing

@testable import SigV4

@Suite("URIEncoding")
struct URIEncodingTests {
    @Test("Unreserved characters pass through unchanged")
    func unreservedUnchanged() {
        let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
        #expect(URIEncoding.encode(unreserved) == unreserved)
    }

    @Test(
        "Everything else is %XX with uppercase hex, per UTF-8 byte",
        arguments: [
            (" ", "%20"), ("/", "%2F"), ("+", "%2B"), ("*", "%2A"), ("=", "%3D"), ("&", "%26"), ("%", "%25"),
            ("é", "%C3%A9"), ("ሴ", "%E1%88%B4"), ("😀", "%F0%9F%98%80"), ("a b/c", "a%20b%2Fc"),
        ])
    func encodes(input: String, expected: String) {
        #expect(URIEncoding.encode(input) == expected)
    }

    @Test("decodeStrict turns '+' into a space only for form encoding")
    func plusAsSpace() {
        #expect(URIEncoding.decodeStrict("a+b", plusAsSpace: true) == "a b")
        #expect(URIEncoding.decodeStrict("a+b", plusAsSpace: false) == "a+b")
        #expect(URIEncoding.decodeStrict("a%2Bb", plusAsSpace: true) == "a+b", "an escaped plus stays a plus")
    }

    @Test("decodeStrict decodes upper- and lowercase escapes to UTF-8 text")
    func decodesEscapes() {
        #expect(URIEncoding.decodeStrict("%41%42c", plusAsSpace: false) == "ABc")
        #expect(URIEncoding.decodeStrict("%e1%88%b4", plusAsSpace: false) == "ሴ")
        #expect(URIEncoding.decodeStrict("%F0%9F%98%80", plusAsSpace: false) == "😀")
        #expect(URIEncoding.decodeStrict("", plusAsSpace: true) == "")
    }

    @Test("decodeStrict rejects malformed escapes", arguments: ["%", "%4", "abc%", "%G1", "%1G", "%%", "%-1", "% 1"])
    func badEscapes(input: String) {
        #expect(URIEncoding.decodeStrict(Substring(input), plusAsSpace: true) == nil)
    }

    @Test(
        "decodeStrict rejects bytes that are not valid UTF-8",
        arguments: ["%FF", "%C3", "a%C3", "%C0%AF", "%ED%A0%80", "%80", "%F8%88%80%80%80"])
    func invalidUTF8(input: String) {
        #expect(URIEncoding.decodeStrict(Substring(input), plusAsSpace: false) == nil)
    }

    @Test("decodeStrict works on a substring slice of a larger string")
    func substringSlice() {
        let text = "x=a%20b&y=c"
        let value = text.split(separator: "&")[0].dropFirst(2)
        #expect(URIEncoding.decodeStrict(value, plusAsSpace: true) == "a b")
    }

    @Test("Lenient decode keeps malformed input as it is")
    func lenientDecode() {
        #expect(URIEncoding.decode("%ZZ") == "%ZZ")
        #expect(URIEncoding.decode("%FF") == "%FF")
        #expect(URIEncoding.decode("a%20b") == "a b")
        #expect(URIEncoding.decode("a+b") == "a b", "a query component: '+' is a space, as the form reader takes it")
    }

    @Test("decodeStrict(encode(s)) round-trips", arguments: ["", "plain", "a b+c/d?e=f&g", "ünïcødé ሴ 😀", "%41", "\t\n\r"])
    func roundTrip(text: String) {
        #expect(URIEncoding.decodeStrict(Substring(URIEncoding.encode(text)), plusAsSpace: true) == text)
    }
}

@Suite("Canonical path")
struct CanonicalPathTests {
    @Test(
        "Paths are normalized as SigV4 asks outside S3 (and botocore signs them), then encoded once more",
        arguments: [
            ("/", "/"), ("", "/"), ("//", "/"), ("/000000000000/q", "/000000000000/q"), ("//000000000000/q", "/000000000000/q"),
            ("/000000000000//q", "/000000000000/q"), ("/000000000000/./q", "/000000000000/q"), ("/000000000000/x/../q", "/000000000000/q"),
            ("/../q", "/q"), ("/a/..", "/"), ("/foo/", "/foo/"), ("/a%20b", "/a%2520b"), ("/~a-b_c.d", "/~a-b_c.d"),
        ])
    func normalized(path: String, canonical: String) {
        #expect(CanonicalRequest.canonicalPath(path) == canonical)
    }
}

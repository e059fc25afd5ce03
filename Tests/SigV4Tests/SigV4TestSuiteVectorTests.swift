import SealCrypto
import Testing

@testable import SigV4

/// Vectors from AWS's published SigV4 test suite (aws-sig-v4-test-suite): access key AKIDEXAMPLE,
/// region us-east-1, service `service`, 20150830T123600Z. Expected canonical requests,
/// string-to-sign hashes and signatures are the suite's `.creq`, `.sts` and `.authz` files.
@Suite("SigV4 test-suite vectors")
struct SigV4TestSuiteVectorTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let amzDate = "20150830T123600Z"
    static let scope = CredentialScope(date: "20150830", region: "us-east-1", service: "service")
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let host = ("Host", "example.amazonaws.com")
    static let date = ("X-Amz-Date", "20150830T123600Z")

    private func signature(of request: CanonicalRequest) -> String {
        let key = SigningKey.derive(secretAccessKey: Self.secret, date: "20150830", region: "us-east-1", service: "service")
        let stringToSign = request.stringToSign(amzDate: Self.amzDate, scope: Self.scope)
        return Hex.encode(HMAC.sha256(key: key, message: Array(stringToSign.utf8)))
    }

    private func stringToSignHash(of request: CanonicalRequest) -> Substring? {
        request.stringToSign(amzDate: Self.amzDate, scope: Self.scope).split(separator: "\n").last
    }

    @Test("get-vanilla: canonical request, string to sign and signature")
    func getVanilla() {
        let request = CanonicalRequest(
            method: "GET", path: "/", query: "", headers: [Self.host, Self.date], payloadHash: Self.emptyHash)
        #expect(request.text == "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\(Self.emptyHash)")
        #expect(request.signedHeaderList == "host;x-amz-date")
        #expect(
            request.stringToSign(amzDate: Self.amzDate, scope: Self.scope)
                == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63")
        #expect(signature(of: request) == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test("An empty path is canonicalized as '/'")
    func emptyPath() {
        let request = CanonicalRequest(method: "GET", path: "", query: "", headers: [Self.host, Self.date], payloadHash: Self.emptyHash)
        #expect(signature(of: request) == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test("get-vanilla-query-order-key-case: parameters sorted by name")
    func queryOrderKeyCase() {
        let request = CanonicalRequest(
            method: "GET", path: "/", query: "Param2=value2&Param1=value1", headers: [Self.host, Self.date],
            payloadHash: Self.emptyHash)
        #expect(request.text.split(separator: "\n", omittingEmptySubsequences: false)[2] == "Param1=value1&Param2=value2")
        #expect(stringToSignHash(of: request) == "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0")
        #expect(signature(of: request) == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
    }

    @Test("get-vanilla-query-order-value: equal names sorted by value")
    func queryOrderValue() {
        let request = CanonicalRequest(
            method: "GET", path: "/", query: "Param1=value2&Param1=value1", headers: [Self.host, Self.date],
            payloadHash: Self.emptyHash)
        #expect(request.text.split(separator: "\n", omittingEmptySubsequences: false)[2] == "Param1=value1&Param1=value2")
        #expect(signature(of: request) == "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694")
    }

    @Test("get-vanilla-empty-query-key")
    func emptyQueryKey() {
        let request = CanonicalRequest(
            method: "GET", path: "/", query: "Param1=value1", headers: [Self.host, Self.date], payloadHash: Self.emptyHash)
        #expect(signature(of: request) == "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb")
    }

    @Test("get-vanilla-query-unreserved: unreserved characters stay unencoded")
    func queryUnreserved() {
        let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        let request = CanonicalRequest(
            method: "GET", path: "/", query: "\(unreserved)=\(unreserved)", headers: [Self.host, Self.date],
            payloadHash: Self.emptyHash)
        #expect(signature(of: request) == "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197")
    }

    @Test("get-vanilla-utf8-query: percent-encoded UTF-8 name is re-encoded in uppercase hex")
    func utf8Query() {
        for sent in ["%E1%88%B4=bar", "%e1%88%b4=bar"] {
            let request = CanonicalRequest(
                method: "GET", path: "/", query: sent, headers: [Self.host, Self.date], payloadHash: Self.emptyHash)
            #expect(request.text.split(separator: "\n", omittingEmptySubsequences: false)[2] == "%E1%88%B4=bar")
            #expect(signature(of: request) == "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04")
        }
    }

    @Test("get-header-value-trim: values trimmed, inner runs of spaces collapsed")
    func headerValueTrim() {
        let request = CanonicalRequest(
            method: "GET", path: "/", query: "",
            headers: [Self.host, ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\""), Self.date],
            payloadHash: Self.emptyHash)
        #expect(request.text.contains("\nmy-header1:value1\nmy-header2:\"a b c\"\n"))
        #expect(request.signedHeaderList == "host;my-header1;my-header2;x-amz-date")
        #expect(signature(of: request) == "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736")
    }

    @Test("get-header-key-duplicate: repeated headers joined by commas in order")
    func headerKeyDuplicate() {
        let request = CanonicalRequest(
            method: "GET", path: "/", query: "",
            headers: [Self.host, ("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1"), Self.date],
            payloadHash: Self.emptyHash)
        #expect(request.text.contains("\nmy-header1:value2,value2,value1\n"))
        #expect(signature(of: request) == "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea")
    }

    @Test("post-vanilla")
    func postVanilla() {
        let request = CanonicalRequest(method: "POST", path: "/", query: "", headers: [Self.host, Self.date], payloadHash: Self.emptyHash)
        #expect(signature(of: request) == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
    }

    @Test("post-x-www-form-urlencoded: body hash and a signed content type")
    func postFormURLEncoded() {
        let payloadHash = Hex.encode(Digest.sha256(Array("Param1=value1".utf8)))
        #expect(payloadHash == "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e")
        let request = CanonicalRequest(
            method: "POST", path: "/", query: "",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), Self.host, Self.date], payloadHash: payloadHash)
        #expect(
            request.text
                == "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n\(payloadHash)")
        #expect(stringToSignHash(of: request) == "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281")
        #expect(signature(of: request) == "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a")
    }

    @Test("Header names are sorted and lowercased whatever order and case they arrive in")
    func headerOrderIrrelevant() {
        let forward = CanonicalRequest(method: "GET", path: "/", query: "", headers: [Self.host, Self.date], payloadHash: Self.emptyHash)
        let reversed = CanonicalRequest(
            method: "GET", path: "/", query: "", headers: [("x-amz-date", "20150830T123600Z"), ("HOST", "example.amazonaws.com")],
            payloadHash: Self.emptyHash)
        #expect(forward.text == reversed.text)
    }

    @Test("Query parameters without a value get '=', names are re-encoded")
    func queryWithoutValue() {
        #expect(CanonicalRequest.canonicalQuery("b=2&a=x%20y&c") == "a=x%20y&b=2&c=")
        // The query's reader (form decoding) takes '+' as a space; so does the canonical form, so
        // `b+c` and `b%2Bc`, which the reader tells apart, never share a signature.
        #expect(CanonicalRequest.canonicalQuery("a=b+c") == "a=b%20c")
        #expect(CanonicalRequest.canonicalQuery("a=b%2Bc") == "a=b%2Bc")
        #expect(CanonicalRequest.canonicalQuery("") == "")
    }
}

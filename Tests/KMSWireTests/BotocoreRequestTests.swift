import Testing

@testable import KMSWire

/// Request bodies exactly as botocore 1.43.11's JSON serializer writes them (`X-Amz-Target` and body).
@Suite("botocore-serialized requests")
struct BotocoreRequestTests {
    private func decodeTarget(_ target: String, _ body: String) throws(KMSError) -> KMSRequest {
        try KMSRequestDecoder.decode(target: target, body: Array(body.utf8))
    }

    @Test("Encrypt, Decrypt, VerifyMac with blobs")
    func crypto() throws {
        #expect(
            try decodeTarget(
                "TrentService.Encrypt",
                #"{"KeyId": "alias/q", "Plaintext": "AP9oZWxsbw==", "EncryptionContext": {"queue": "q1"}, "GrantTokens": ["g"]}"#)
                == .encrypt(
                    KMSRequest.Encrypt(
                        keyId: "alias/q", plaintext: [0, 255] + Array("hello".utf8), encryptionContext: ["queue": "q1"], grantTokens: ["g"],
                        encryptionAlgorithm: nil, dryRun: false)))
        guard case .decrypt(let decrypt) = try decodeTarget(
            "TrentService.Decrypt", #"{"CiphertextBlob": "AQID", "EncryptionContext": {"a": "b"}}"#)
        else { return }
        #expect(decrypt.ciphertextBlob == [1, 2, 3] && decrypt.encryptionContext == ["a": "b"] && decrypt.keyId == nil)
        guard case .verifyMac(let verify) = try decodeTarget(
            "TrentService.VerifyMac", #"{"KeyId": "k", "Message": "bXNn", "MacAlgorithm": "HMAC_SHA_256", "Mac": "q80="}"#)
        else { return }
        #expect(verify.mac == [0xAB, 0xCD] && verify.message == Array("msg".utf8))
    }

    @Test("CreateKey, CreateGrant, ListKeys")
    func management() throws {
        guard case .createKey(let key) = try decodeTarget(
            "TrentService.CreateKey",
            #"{"Description": "d", "KeyUsage": "GENERATE_VERIFY_MAC", "KeySpec": "HMAC_256", "Tags": [{"TagKey": "t", "TagValue": "v"}], "MultiRegion": false}"#
        ) else { return }
        #expect(key.keySpec == .hmac256 && key.keyUsage == .generateVerifyMac && key.tags == [KMSTag(key: "t", value: "v")])
        guard case .createGrant(let grant) = try decodeTarget(
            "TrentService.CreateGrant",
            #"{"KeyId": "k", "GranteePrincipal": "arn:aws:iam::000000000000:role/app", "Operations": ["Encrypt", "Decrypt"], "Constraints": {"EncryptionContextEquals": {"q": "1"}}}"#
        ) else { return }
        #expect(grant.operations == [.encrypt, .decrypt] && grant.constraints == KMSGrantConstraints(encryptionContextEquals: ["q": "1"]))
        #expect(try decodeTarget("TrentService.ListKeys", "{}") == .listKeys(KMSPaging()))
    }
}

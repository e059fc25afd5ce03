import Testing

@testable import KMSWire

@Suite("Validation and serialization failures")
struct ValidationTests {
    private func violation(_ action: KMSAction, _ json: String) -> String? {
        guard let error = decodingError(action, json), error.type == "ValidationException" else { return nil }
        return error.message
    }

    @Test("Blob lengths: sensitive members name no value, others show the JVM buffer")
    func blobLengths() {
        let big = base64([UInt8](repeating: 7, count: 4097))
        #expect(
            violation(.encrypt, #"{"KeyId":"k","Plaintext":"\#(big)"}"#)
                == "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096")
        #expect(
            violation(.encrypt, #"{"KeyId":"k","Plaintext":""}"#)
                == "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1")
        #expect(
            violation(.decrypt, #"{"CiphertextBlob":""}"#)
                == "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=0 cap=0]' at 'ciphertextBlob' failed to satisfy constraint: Member must have length greater than or equal to 1")
        let huge = base64([UInt8](repeating: 1, count: 6145))
        #expect(
            violation(.decrypt, #"{"CiphertextBlob":"\#(huge)"}"#)
                == "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=6145 cap=6145]' at 'ciphertextBlob' failed to satisfy constraint: Member must have length less than or equal to 6144")
        #expect(
            violation(.generateMac, #"{"KeyId":"k","MacAlgorithm":"HMAC_SHA_256","Message":""}"#)
                == "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length greater than or equal to 1")
    }

    @Test("Bad base64 is SerializationException")
    func badBase64() {
        #expect(
            decodingError(.encrypt, #"{"KeyId":"k","Plaintext":"not base64!"}"#)
                == .serialization("Base64 encoded value of Plaintext is invalid."))
        #expect(decodingError(.decrypt, #"{"CiphertextBlob":"AQI"}"#) == .serialization("Base64 encoded value of CiphertextBlob is invalid."))
    }

    @Test("Required members, several at once, in model order")
    func required() {
        #expect(
            violation(.encrypt, "{}")
                == "2 validation errors detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null; Value null at 'plaintext' failed to satisfy constraint: Member must not be null")
        #expect(
            violation(.createGrant, #"{"KeyId":"k"}"#)
                == "2 validation errors detected: Value null at 'granteePrincipal' failed to satisfy constraint: Member must not be null; Value null at 'operations' failed to satisfy constraint: Member must not be null")
        #expect(violation(.listRetirableGrants, "{}")?.contains("at 'retiringPrincipal'") == true)
        #expect(violation(.tagResource, #"{"KeyId":"k"}"#)?.contains("Value null at 'tags'") == true)
        #expect(violation(.untagResource, #"{"KeyId":"k"}"#)?.contains("Value null at 'tagKeys'") == true)
        #expect(violation(.putKeyPolicy, #"{"KeyId":"k"}"#)?.contains("Value null at 'policy'") == true)
    }

    @Test("String lengths and patterns")
    func strings() {
        #expect(
            violation(.describeKey, #"{"KeyId":""}"#)
                == "1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1")
        let long = String(repeating: "k", count: 2049)
        #expect(violation(.describeKey, #"{"KeyId":"\#(long)"}"#)?.hasSuffix("Member must have length less than or equal to 2048") == true)
        #expect(
            violation(.createAlias, #"{"AliasName":"alias/bad name","TargetKeyId":"k"}"#)
                == "1 validation error detected: Value 'alias/bad name' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$")
        #expect(
            violation(.createAlias, #"{"AliasName":"","TargetKeyId":"k"}"#)
                == "2 validation errors detected: Value '' at 'aliasName' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$")
        #expect(
            violation(.createGrant, #"{"KeyId":"k","GranteePrincipal":"a b","Operations":["Encrypt"]}"#)
                == "1 validation error detected: Value 'a b' at 'granteePrincipal' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w+=,.@:/-]+$")
        #expect(violation(.getKeyPolicy, #"{"KeyId":"k","PolicyName":"de-fault"}"#)?.contains("pattern: [\\w]+") == true)
        #expect(violation(.listKeys, #"{"Marker":"\u0100"}"#)?.contains("pattern: [\\u0020-\\u00FF]*") == true)
        #expect(violation(.createKey, #"{"Policy":"\u0001"}"#)?.contains("at 'policy'") == true)
        #expect(violation(.createKey, #"{"Description":"\#(String(repeating: "d", count: 8193))"}"#)?.contains("at 'description'") == true)
        #expect(violation(.createKey, #"{"Policy":"{\"a\":\"é\"}"}"#) == nil)
    }

    @Test("Integer ranges")
    func integers() {
        #expect(
            violation(.listKeys, #"{"Limit":0}"#)
                == "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
        #expect(violation(.listKeys, #"{"Limit":1001}"#)?.hasSuffix("less than or equal to 1000") == true)
        #expect(
            violation(.enableKeyRotation, #"{"KeyId":"k","RotationPeriodInDays":89}"#)
                == "1 validation error detected: Value '89' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value greater than or equal to 90")
        #expect(violation(.enableKeyRotation, #"{"KeyId":"k","RotationPeriodInDays":2561}"#)?.hasSuffix("less than or equal to 2560") == true)
        #expect(violation(.generateDataKey, #"{"KeyId":"k","NumberOfBytes":1025}"#)?.contains("at 'numberOfBytes'") == true)
        #expect(violation(.generateRandom, #"{"NumberOfBytes":0}"#)?.contains("at 'numberOfBytes'") == true)
        #expect(violation(.scheduleKeyDeletion, #"{"KeyId":"k","PendingWindowInDays":366}"#)?.contains("at 'pendingWindowInDays'") == true)
    }

    @Test("Enums: a value outside the model lists the model's set")
    func enums() {
        #expect(
            violation(.encrypt, #"{"KeyId":"k","Plaintext":"AA==","EncryptionAlgorithm":"AES"}"#)
                == "1 validation error detected: Value 'AES' at 'encryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]")
        #expect(
            violation(.generateMac, #"{"KeyId":"k","Message":"AA==","MacAlgorithm":"HMAC_MD5"}"#)?.contains(
                "[HMAC_SHA_224, HMAC_SHA_256, HMAC_SHA_384, HMAC_SHA_512]") == true)
        #expect(violation(.generateDataKey, #"{"KeyId":"k","KeySpec":"AES_512"}"#)?.contains("[AES_256, AES_128]") == true)
        #expect(violation(.createKey, #"{"KeySpec":"AES"}"#)?.contains("at 'keySpec'") == true)
        #expect(
            violation(.createGrant, #"{"KeyId":"k","GranteePrincipal":"p","Operations":["Encrypt","Fly"]}"#)?.contains(
                "Value '[Encrypt, Fly]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [Decrypt,")
                == true)
    }

    @Test("Model values this key service lacks are UnsupportedOperationException")
    func unsupported() {
        #expect(decodingError(.createKey, #"{"KeySpec":"RSA_2048"}"#)?.type == "UnsupportedOperationException")
        #expect(decodingError(.createKey, #"{"KeyUsage":"SIGN_VERIFY"}"#)?.type == "UnsupportedOperationException")
        #expect(decodingError(.createKey, #"{"CustomerMasterKeySpec":"ECC_NIST_P256"}"#)?.type == "UnsupportedOperationException")
        #expect(
            decodingError(.createKey, #"{"KeySpec":"ML_DSA_44"}"#)
                == .unsupportedOperation("KeySpec ML_DSA_44 is not supported by this key service."))
    }

    @Test("Lists: GrantTokens at most 10 (never quoted: they are credentials), tags nested paths")
    func lists() {
        let tokens = (1...11).map { "\"t\($0)\"" }.joined(separator: ",")
        #expect(
            violation(.describeKey, #"{"KeyId":"k","GrantTokens":[\#(tokens)]}"#)
                == "1 validation error detected: Value '[11 values not shown]' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10")
        #expect(violation(.describeKey, #"{"KeyId":"k","GrantTokens":[""]}"#)?.contains("at 'grantTokens.1.member'") == true)
        let long = String(repeating: "s", count: 8193)
        #expect(violation(.describeKey, #"{"KeyId":"k","GrantTokens":["\#(long)"]}"#)?.contains(long) == false)
        #expect(
            violation(.tagResource, #"{"KeyId":"k","Tags":[{"TagKey":"a","TagValue":"1"},{"TagKey":""}]}"#)
                == "2 validation errors detected: Value '' at 'tags.2.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1; Value null at 'tags.2.member.tagValue' failed to satisfy constraint: Member must not be null")
        #expect(violation(.untagResource, #"{"KeyId":"k","TagKeys":[""]}"#)?.contains("at 'tagKeys.1.member'") == true)
        #expect(
            violation(.decrypt, #"{"CiphertextBlob":"AQ==","Recipient":{"AttestationDocument":""}}"#)?.contains(
                "at 'recipient.attestationDocument'") == true)
    }

    @Test(
        "Wrong JSON types and bad bodies are SerializationException",
        arguments: [
            (KMSAction.listKeys, #"{"Limit":"10"}"#, "STRING_VALUE can not be converted to Integer for member Limit"),
            (.listKeys, #"{"Limit":1.5}"#, "NUMBER_VALUE can not be converted to Integer for member Limit"),
            (.describeKey, #"{"KeyId":5}"#, "NUMBER_VALUE can not be converted to String for member KeyId"),
            (.encrypt, #"{"KeyId":"k","Plaintext":"AA==","DryRun":"yes"}"#, "STRING_VALUE can not be converted to Boolean for member DryRun"),
            (.encrypt, #"{"KeyId":"k","Plaintext":"AA==","EncryptionContext":["a"]}"#, "START_ARRAY can not be converted to Map for member EncryptionContext"),
            (.encrypt, #"{"KeyId":"k","Plaintext":"AA==","EncryptionContext":{"a":1}}"#, "NUMBER_VALUE can not be converted to String for member EncryptionContext"),
            (.describeKey, #"{"KeyId":"k","GrantTokens":"t"}"#, "STRING_VALUE can not be converted to List for member GrantTokens"),
            (.encrypt, #"{"KeyId":"k","Plaintext":7}"#, "NUMBER_VALUE can not be converted to Blob for member Plaintext"),
            (.tagResource, #"{"KeyId":"k","Tags":["a"]}"#, "STRING_VALUE can not be converted to Tag for member Tags"),
            (.createGrant, #"{"KeyId":"k","GranteePrincipal":"p","Operations":["Encrypt"],"Constraints":[]}"#, "START_ARRAY can not be converted to Structure for member Constraints"),
            (.listKeys, "[]", "Start of START_ARRAY found where a structure was expected."),
        ])
    func serialization(action: KMSAction, json: String, message: String) {
        #expect(decodingError(action, json) == .serialization(message))
    }

    @Test("A body that is not JSON is SerializationException")
    func malformed() {
        let error = decodingError(.listKeys, #"{"Limit":"#)
        #expect(error?.type == "SerializationException")
        #expect(error?.message?.hasPrefix("Malformed JSON body: line 1") == true)
    }
}

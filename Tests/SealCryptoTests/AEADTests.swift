import Testing

@testable import SealCrypto

/// One published AEAD test vector, in hex.
struct AEADVector: Sendable, CustomTestStringConvertible {
    let name: String
    let key: String
    let nonce: String
    let plaintext: String
    let associatedData: String
    let ciphertext: String
    let tag: String

    var testDescription: String { name }
}

@Suite("AEAD")
struct AEADTests {
    /// The AES-256 cases of McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", appendix B.
    /// Cases 17 and 18 use 8- and 60-byte IVs, which `AEAD` does not accept (nonces are 12 bytes).
    static let mcGrewViega: [AEADVector] = [
        AEADVector(
            name: "Test case 13: zero key, empty plaintext", key: String(repeating: "00", count: 32),
            nonce: String(repeating: "00", count: 12), plaintext: "", associatedData: "", ciphertext: "",
            tag: "530f8afbc74536b9a963b4f1c4cb738b"),
        AEADVector(
            name: "Test case 14: zero key, one zero block", key: String(repeating: "00", count: 32),
            nonce: String(repeating: "00", count: 12), plaintext: String(repeating: "00", count: 16),
            associatedData: "", ciphertext: "cea7403d4d606b6e074ec5d3baf39d18", tag: "d0d1c8a799996bf0265b98b5d48ab919"),
        AEADVector(
            name: "Test case 15: four blocks, no associated data",
            key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", nonce: "cafebabefacedbaddecaf888",
            plaintext: """
                d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
                1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255
                """,
            associatedData: "",
            ciphertext: """
                522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
                8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad
                """,
            tag: "b094dac5d93471bdec1a502270e3cc6c"),
        AEADVector(
            name: "Test case 16: 60 bytes with 20 bytes of associated data",
            key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", nonce: "cafebabefacedbaddecaf888",
            plaintext: """
                d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
                1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39
                """,
            associatedData: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            ciphertext: """
                522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
                8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662
                """,
            tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
    ]

    /// NIST CAVP, gcmtestvectors.zip, gcmEncryptExtIV256.rsp: Count 0 of the [Keylen = 256,
    /// IVlen = 96, Taglen = 128] groups with the PTlen and AADlen named.
    static let nistCAVP: [AEADVector] = [
        AEADVector(
            name: "PTlen 0, AADlen 0", key: "b52c505a37d78eda5dd34f20c22540ea1b58963cf8e5bf8ffa85f9f2492505b4",
            nonce: "516c33929df5a3284ff463d7", plaintext: "", associatedData: "", ciphertext: "",
            tag: "bdc1ac884d332457a1d2664f168c76f0"),
        AEADVector(
            name: "PTlen 0, AADlen 128", key: "78dc4e0aaf52d935c3c01eea57428f00ca1fd475f5da86a49c8dd73d68c8e223",
            nonce: "d79cf22d504cc793c3fb6c8a", plaintext: "", associatedData: "b96baa8c1c75a671bfb2d08d06be5f36",
            ciphertext: "", tag: "3e5d486aa2e30b22e040b85723a06e76"),
        AEADVector(
            name: "PTlen 128, AADlen 0", key: "31bdadd96698c204aa9ce1448ea94ae1fb4a9a0b3c9d773b51bb1822666b8f22",
            nonce: "0d18e06c7c725ac9e362e1ce", plaintext: "2db5168e932556f8089a0622981d017d", associatedData: "",
            ciphertext: "fa4362189661d163fcd6a56d8bf0405a", tag: "d636ac1bbedd5cc3ee727dc2ab4a9489"),
        AEADVector(
            name: "PTlen 128, AADlen 128", key: "92e11dcdaa866f5ce790fd24501f92509aacf4cb8b1339d50c9c1240935dd08b",
            nonce: "ac93a1a6145299bde902f21a", plaintext: "2d71bcfa914e4ac045b2aa60955fad24",
            associatedData: "1e0889016f67601c8ebea4943bc23ad6", ciphertext: "8995ae2e6df3dbf96fac7b7137bae67f",
            tag: "eca5aa77d51d4a0a14d9c51e1da474ab"),
        AEADVector(
            name: "PTlen 408, AADlen 384", key: "463b412911767d57a0b33969e674ffe7845d313b88c6fe312f3d724be68e1fca",
            nonce: "611ce6f9a6880750de7da6cb",
            plaintext: "e7d1dcf668e2876861940e012fe52a98dacbd78ab63c08842cc9801ea581682ad54af0c34d0d7f6f59e8ee0bf4900e0fd85042",
            associatedData: "0a682fbc6192e1b47a5e0868787ffdafe5a50cead3575849990cdd2ea9b3597749403efb4a56684f0c6bde352d4aeec5",
            ciphertext: "8886e196010cb3849d9c1a182abe1eeab0a5f3ca423c3669a4a8703c0f146e8e956fb122e0d721b869d2b6fcd4216d7d4d3758",
            tag: "2469cecd70fd98fec9264f71df1aee9a"),
    ]

    private static let sunscreen = Array(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."
            .utf8)

    /// Seals the vector's plaintext and opens its ciphertext, both ways against the published values.
    private func check(_ aead: AEAD, _ vector: AEADVector) throws {
        let key = [UInt8](hex: vector.key)
        let nonce = [UInt8](hex: vector.nonce)
        let plaintext = [UInt8](hex: vector.plaintext)
        let associatedData = [UInt8](hex: vector.associatedData)
        let sealed = [UInt8](hex: vector.ciphertext + vector.tag)
        #expect(Hex.encode(aead.seal(plaintext, key: key, nonce: nonce, associatedData: associatedData)) == Hex.encode(sealed))
        #expect(try aead.open(sealed, key: key, nonce: nonce, associatedData: associatedData) == plaintext)
        #expect(try aead.open(sealed, key: SecretBytes(copying: key), nonce: nonce, associatedData: associatedData) == plaintext)
    }

    @Test("AES-256-GCM matches McGrew–Viega GCM specification test cases 13–16", arguments: mcGrewViega)
    func aesGCMSpecification(vector: AEADVector) throws {
        try check(.aes256GCM, vector)
    }

    @Test("AES-256-GCM matches NIST CAVP gcmEncryptExtIV256.rsp", arguments: nistCAVP)
    func aesGCMNIST(vector: AEADVector) throws {
        try check(.aes256GCM, vector)
    }

    @Test("ChaCha20-Poly1305 matches RFC 8439 §2.8.2")
    func chaChaRFC8439() throws {
        try check(
            .chaCha20Poly1305,
            AEADVector(
                name: "RFC 8439 2.8.2", key: "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
                nonce: "070000004041424344454647", plaintext: Hex.encode(Self.sunscreen),
                associatedData: "50515253c0c1c2c3c4c5c6c7",
                ciphertext: """
                    d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6\
                    3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36\
                    92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc\
                    3ff4def08e4b7a9de576d26586cec64b6116
                    """,
                tag: "1ae10b594f09e26a7e902ecbd0600691"))
    }

    @Test("XChaCha20-Poly1305 matches draft-irtf-cfrg-xchacha-03 §A.3.1")
    func xChaChaDraft() throws {
        try check(
            .xChaCha20Poly1305,
            AEADVector(
                name: "draft-irtf-cfrg-xchacha A.3.1", key: "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
                nonce: "404142434445464748494a4b4c4d4e4f5051525354555657", plaintext: Hex.encode(Self.sunscreen),
                associatedData: "50515253c0c1c2c3c4c5c6c7",
                ciphertext: """
                    bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb\
                    731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452\
                    2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9\
                    21f9664c97637da9768812f615c68b13b52e
                    """,
                tag: "c0875924c1c7987947deafd8780acf49"))
    }

    static let all: [AEAD] = [.aes256GCM, .xChaCha20Poly1305, .chaCha20Poly1305]

    @Test("Every altered byte, and a wrong key, nonce or associated data, fails to open", arguments: all)
    func refusesTampering(aead: AEAD) {
        let key = SecretBytes(randomCount: aead.keyLength)
        let nonce = SecureRandom.bytes(aead.nonceLength)
        let associatedData = Array("arn:aws:sqs:us-east-1:000000000000:orders|message-1|v1".utf8)
        let sealed = aead.seal(Array("attack at dawn, bring snacks".utf8), key: key, nonce: nonce, associatedData: associatedData)
        #expect(sealed.count == 28 + aead.tagLength)
        for index in sealed.indices {
            var altered = sealed
            altered[index] ^= 0x01
            #expect(throws: AEAD.AuthenticationFailure(), "a flipped bit at byte \(index) must not open") {
                try aead.open(altered, key: key, nonce: nonce, associatedData: associatedData)
            }
        }
        #expect(throws: AEAD.AuthenticationFailure()) {
            try aead.open(sealed, key: SecretBytes(randomCount: aead.keyLength), nonce: nonce, associatedData: associatedData)
        }
        var otherNonce = nonce
        otherNonce[0] ^= 0x80
        #expect(throws: AEAD.AuthenticationFailure()) {
            try aead.open(sealed, key: key, nonce: otherNonce, associatedData: associatedData)
        }
        #expect(throws: AEAD.AuthenticationFailure()) {
            try aead.open(sealed, key: key, nonce: nonce, associatedData: associatedData.dropLast())
        }
        #expect(throws: AEAD.AuthenticationFailure()) {
            try aead.open(sealed, key: key, nonce: nonce, associatedData: [UInt8]())
        }
    }

    @Test("Malformed input fails to open rather than trapping: a short value, a wrong-length nonce", arguments: all)
    func refusesMalformedInput(aead: AEAD) throws {
        let key = SecretBytes(randomCount: aead.keyLength)
        let nonce = SecureRandom.bytes(aead.nonceLength)
        let sealed = aead.seal([UInt8](), key: key, nonce: nonce, associatedData: [UInt8]())
        #expect(sealed.count == aead.tagLength)
        #expect(try aead.open(sealed, key: key, nonce: nonce, associatedData: [UInt8]()) == [])
        #expect(throws: AEAD.AuthenticationFailure()) {
            try aead.open(sealed.dropLast(), key: key, nonce: nonce, associatedData: [UInt8]())
        }
        #expect(throws: AEAD.AuthenticationFailure()) {
            try aead.open([UInt8](), key: key, nonce: nonce, associatedData: [UInt8]())
        }
        #expect(throws: AEAD.AuthenticationFailure()) {
            try aead.open(sealed, key: key, nonce: nonce.dropLast(), associatedData: [UInt8]())
        }
        #expect(throws: AEAD.AuthenticationFailure()) {
            try aead.open(sealed, key: key, nonce: nonce + [0], associatedData: [UInt8]())
        }
    }

    @Test("A wrapped key opens straight into SecretBytes, and only when authentic", arguments: all)
    func openSecret(aead: AEAD) throws {
        let wrappingKey = SecretBytes(randomCount: aead.keyLength)
        let dataKey = SecretBytes(randomCount: 32)
        let nonce = SecureRandom.bytes(aead.nonceLength)
        let context = Array("key-id=1234abcd|version=3".utf8)
        let wrapped = aead.seal(dataKey, key: wrappingKey, nonce: nonce, associatedData: context)
        let unwrapped = try aead.openSecret(wrapped, key: wrappingKey, nonce: nonce, associatedData: context)
        #expect(HMAC.constantTimeEquals(unwrapped, dataKey))
        #expect(throws: AEAD.AuthenticationFailure()) {
            try aead.openSecret(wrapped, key: wrappingKey, nonce: nonce, associatedData: Array("key-id=other".utf8))
        }
    }

    @Test("A 3 MiB message round-trips, sealed from an array slice", arguments: all)
    func largeMessage(aead: AEAD) throws {
        let key = SecretBytes(randomCount: aead.keyLength)
        let nonce = SecureRandom.bytes(aead.nonceLength)
        let padded = SecureRandom.bytes(3 << 20 + 2)
        let message = padded[1..<(padded.count - 1)]
        let sealed = aead.seal(message, key: key, nonce: nonce, associatedData: [UInt8]())
        #expect(sealed.count == message.count + 16)
        #expect(try aead.open(sealed, key: key, nonce: nonce, associatedData: [UInt8]())[...] == message)
    }

    @Test("Sealing into a caller's buffer writes what the array-returning seal returns, and leaves the bytes around it alone", arguments: all)
    func sealIntoBuffer(aead: AEAD) throws {
        let key = SecureRandom.bytes(aead.keyLength)
        let nonce = SecureRandom.bytes(aead.nonceLength)
        let message = Array("a body and its attributes".utf8)
        let associated = Array("queue arn, message id".utf8)
        var buffer = [UInt8](repeating: 0xAA, count: 3 + message.count + aead.tagLength + 2)
        buffer.withUnsafeMutableBytes { buffer in
            key.withUnsafeBytes { key in
                nonce.withUnsafeBytes { nonce in
                    message.withUnsafeBytes { message in
                        associated.withUnsafeBytes { associated in
                            aead.seal(
                                message, key: key, nonce: nonce, associatedData: associated,
                                into: UnsafeMutableRawBufferPointer(rebasing: buffer[3..<(buffer.count - 2)]))
                        }
                    }
                }
            }
        }
        let sealed = Array(buffer[3..<(buffer.count - 2)])
        #expect(sealed == aead.seal(message, key: key, nonce: nonce, associatedData: associated))
        #expect(buffer.prefix(3) == [0xAA, 0xAA, 0xAA] && buffer.suffix(2) == [0xAA, 0xAA])
        #expect(try aead.open(sealed, key: key, nonce: nonce, associatedData: associated) == message)
    }

    @Test("Sealing in place gives the out-of-place result, and opening into a buffer returns the plaintext or wipes it", arguments: all)
    func inPlaceAndIntoBuffer(aead: AEAD) throws {
        let key = SecureRandom.bytes(aead.keyLength)
        let nonce = SecureRandom.bytes(aead.nonceLength)
        let message = Array(String(repeating: "a body in place ", count: 40).utf8)
        let associated = Array("queue arn, message id".utf8)
        var buffer = message + [UInt8](repeating: 0, count: aead.tagLength)
        key.withUnsafeBytes { key in
            nonce.withUnsafeBytes { nonce in
                associated.withUnsafeBytes { associated in
                    buffer.withUnsafeMutableBytes { buffer in
                        let plaintext = UnsafeRawBufferPointer(rebasing: buffer[0..<message.count])
                        aead.seal(plaintext, key: key, nonce: nonce, associatedData: associated, into: buffer)
                    }
                }
            }
        }
        #expect(buffer == aead.seal(message, key: key, nonce: nonce, associatedData: associated))

        func openIntoBuffer(_ sealed: [UInt8]) -> (Bool, [UInt8]) {
            var output = [UInt8](repeating: 0xAA, count: sealed.count - aead.tagLength)
            let authentic = output.withUnsafeMutableBytes { output in
                key.withUnsafeBytes { key in
                    nonce.withUnsafeBytes { nonce in
                        associated.withUnsafeBytes { associated in
                            sealed.withUnsafeBytes { aead.open($0, key: key, nonce: nonce, associatedData: associated, into: output) }
                        }
                    }
                }
            }
            return (authentic, output)
        }
        let (authentic, opened) = openIntoBuffer(buffer)
        #expect(authentic && opened == message)
        var altered = buffer
        altered[5] ^= 1
        let (alteredAuthentic, alteredOutput) = openIntoBuffer(altered)
        #expect(!alteredAuthentic && alteredOutput.allSatisfy { $0 == 0 }, "no unauthenticated plaintext is left behind")
    }

    @Test("Names and lengths are the algorithms' own")
    func parameters() {
        #expect(AEAD.aes256GCM.name == "AES-256-GCM" && AEAD.aes256GCM.nonceLength == 12)
        #expect(AEAD.xChaCha20Poly1305.name == "XChaCha20-Poly1305" && AEAD.xChaCha20Poly1305.nonceLength == 24)
        #expect(AEAD.chaCha20Poly1305.name == "ChaCha20-Poly1305" && AEAD.chaCha20Poly1305.nonceLength == 12)
        for aead in Self.all { #expect(aead.keyLength == 32 && aead.tagLength == 16) }
    }

    @Test("The throughput measurement seals for the time asked and reports a positive rate", arguments: all)
    func benchmark(aead: AEAD) {
        let clock = ContinuousClock()
        let start = clock.now
        let rate = AEADBenchmark.sealingBytesPerSecond(aead, messageSize: 1024, seconds: 0.05)
        #expect(rate > 0 && rate.isFinite)
        #expect(start.duration(to: clock.now) >= .milliseconds(50))
    }
}

/// Exact answer bodies, each checked by parsing it with botocore 1.43.11's JSON parser against the named operation's
/// output shape (or, for errors, its error parser): the `/// botocore:` line names the operation.
enum ResponseFixtures {
    /// botocore: DescribeKey
    static let describeKey =
        #"{"KeyMetadata":{"AWSAccountId":"000000000000","KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","Arn":"arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab","CreationDate":1700000000,"Enabled":true,"Description":"","KeyUsage":"ENCRYPT_DECRYPT","KeyState":"Enabled","Origin":"AWS_KMS","KeyManager":"CUSTOMER","CustomerMasterKeySpec":"SYMMETRIC_DEFAULT","KeySpec":"SYMMETRIC_DEFAULT","EncryptionAlgorithms":["SYMMETRIC_DEFAULT"],"MultiRegion":false}}"#
    /// botocore: CreateKey
    static let createHmacKeyPendingDeletion =
        #"{"KeyMetadata":{"AWSAccountId":"000000000000","KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","Arn":"arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab","CreationDate":1700000000,"Enabled":false,"Description":"mac \"key\"","KeyUsage":"GENERATE_VERIFY_MAC","KeyState":"PendingDeletion","DeletionDate":1702592000,"Origin":"AWS_KMS","KeyManager":"CUSTOMER","CustomerMasterKeySpec":"HMAC_256","KeySpec":"HMAC_256","MultiRegion":false,"MacAlgorithms":["HMAC_SHA_256"],"CurrentKeyMaterialId":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}}"#
    /// botocore: Encrypt
    static let encrypt =
        #"{"CiphertextBlob":"AQIDBP8=","KeyId":"arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}"#
    /// botocore: Decrypt
    static let decrypt =
        #"{"KeyId":"arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab","Plaintext":"aGVsbG8=","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}"#
    /// botocore: ReEncrypt
    static let reEncrypt =
        #"{"CiphertextBlob":"CQ==","SourceKeyId":"arn:aws:kms:us-east-1:000000000000:key/a","KeyId":"arn:aws:kms:us-east-1:000000000000:key/b","SourceEncryptionAlgorithm":"SYMMETRIC_DEFAULT","DestinationEncryptionAlgorithm":"SYMMETRIC_DEFAULT"}"#
    /// botocore: GenerateDataKey
    static let generateDataKey =
        #"{"CiphertextBlob":"AQID","Plaintext":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=","KeyId":"arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"}"#
    /// botocore: GenerateDataKeyWithoutPlaintext
    static let generateDataKeyWithoutPlaintext =
        #"{"CiphertextBlob":"AQID","KeyId":"arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"}"#
    /// botocore: GenerateRandom
    static let generateRandom = #"{"Plaintext":"/+8="}"#
    /// botocore: GenerateMac
    static let generateMac =
        #"{"Mac":"q80=","MacAlgorithm":"HMAC_SHA_256","KeyId":"arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"}"#
    /// botocore: VerifyMac
    static let verifyMac =
        #"{"KeyId":"arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab","MacValid":true,"MacAlgorithm":"HMAC_SHA_256"}"#
    /// botocore: ListKeys
    static let listKeysTruncated =
        #"{"Keys":[{"KeyId":"a","KeyArn":"arn:aws:kms:us-east-1:000000000000:key/a"}],"NextMarker":"a","Truncated":true}"#
    /// botocore: ListKeys
    static let listKeysEmpty = #"{"Keys":[],"Truncated":false}"#
    /// botocore: ListAliases
    static let listAliases =
        #"{"Aliases":[{"AliasName":"alias/q","AliasArn":"arn:aws:kms:us-east-1:000000000000:alias/q","TargetKeyId":"a","CreationDate":1700000000,"LastUpdatedDate":1700000001}],"Truncated":false}"#
    /// botocore: ScheduleKeyDeletion
    static let scheduleKeyDeletion =
        #"{"KeyId":"arn:aws:kms:us-east-1:000000000000:key/a","DeletionDate":1700604800,"KeyState":"PendingDeletion","PendingWindowInDays":7}"#
    /// botocore: CancelKeyDeletion
    static let cancelKeyDeletion = #"{"KeyId":"arn:aws:kms:us-east-1:000000000000:key/a"}"#
    /// botocore: GetKeyRotationStatus
    static let rotationStatus =
        #"{"KeyRotationEnabled":true,"KeyId":"arn:aws:kms:us-east-1:000000000000:key/a","RotationPeriodInDays":365,"NextRotationDate":1731536000}"#
    /// botocore: ListKeyRotations
    static let listKeyRotations =
        #"{"Rotations":[{"KeyId":"arn:aws:kms:us-east-1:000000000000:key/a","RotationDate":1700000000,"RotationType":"ON_DEMAND"}],"Truncated":false}"#
    /// botocore: GetKeyPolicy
    static let getKeyPolicy = #"{"Policy":"{\"Version\":\"2012-10-17\"}","PolicyName":"default"}"#
    /// botocore: ListKeyPolicies
    static let listKeyPolicies = #"{"PolicyNames":["default"],"Truncated":false}"#
    /// botocore: ListResourceTags
    static let listResourceTags = #"{"Tags":[{"TagKey":"team","TagValue":"a"}],"Truncated":false}"#
    /// botocore: CreateGrant
    static let createGrant = #"{"GrantToken":"token","GrantId":"0123456789abcdef"}"#
    /// botocore: ListGrants
    static let listGrants =
        #"{"Grants":[{"KeyId":"arn:aws:kms:us-east-1:000000000000:key/a","GrantId":"g1","Name":"n","CreationDate":1700000000,"GranteePrincipal":"arn:aws:iam::000000000000:role/app","RetiringPrincipal":"arn:aws:iam::000000000000:root","IssuingAccount":"arn:aws:iam::000000000000:root","Operations":["Encrypt","Decrypt"],"Constraints":{"EncryptionContextSubset":{"a":"1","b":"2"}}}],"NextMarker":"g1","Truncated":true}"#
    /// botocore: CreateAlias
    static let empty = "{}"
    /// botocore: error
    static let internalError = #"{"__type":"KMSInternalException","message":"An internal error occurred."}"#
    /// botocore: error
    static let validationError = #"{"__type":"ValidationException","message":"1 validation error detected: Value at 'plaintext' failed"}"#
}

import PolicyEngine
import Testing

/// One condition block, a request context, and whether an Allow guarded by it applies.
struct ConditionCase: CustomTestStringConvertible, Sendable {
    let name: String
    let condition: String
    let context: [String: [String]]
    let holds: Bool

    init(_ name: String, _ condition: String, _ context: [String: [String]], _ holds: Bool) {
        self.name = name
        self.condition = condition
        self.context = context
        self.holds = holds
    }

    var testDescription: String { name }
}

/// Table-driven cases for every condition operator family, after the IAM user guide's
/// `reference_policies_elements_condition_operators` and `…_multi-value-conditions` examples.
enum ConditionCases {
    static let strings: [ConditionCase] = [
        .init("StringEquals matches the exact value", #""StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}"#, ["aws:PrincipalTag/job-category": ["iamuser-admin"]], true),
        .init("StringEquals is case-sensitive", #""StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}"#, ["aws:PrincipalTag/job-category": ["IAMUser-Admin"]], false),
        .init("StringEquals key names are case-insensitive", #""StringEquals": {"AWS:PRINCIPALTAG/JOB-CATEGORY": "x"}"#, ["aws:principaltag/job-category": ["x"]], true),
        .init("StringEquals on an absent key is false", #""StringEquals": {"aws:PrincipalTag/team": "red"}"#, [:], false),
        .init("StringEquals several policy values OR together", #""StringEquals": {"aws:PrincipalTag/team": ["red", "blue"]}"#, ["aws:PrincipalTag/team": ["blue"]], true),
        .init("StringEquals none of several values", #""StringEquals": {"aws:PrincipalTag/team": ["red", "blue"]}"#, ["aws:PrincipalTag/team": ["green"]], false),
        .init("StringEquals compares bytes, not canonical equivalence (Kelvin sign)", #""StringEquals": {"aws:PrincipalTag/team": "Kate"}"#, ["aws:PrincipalTag/team": ["\u{212A}ate"]], false),
        .init("StringEquals compares bytes, not canonical equivalence (NFD)", #""StringEquals": {"aws:PrincipalTag/team": "caf\u00e9"}"#, ["aws:PrincipalTag/team": ["cafe\u{301}"]], false),
        .init("StringEquals treats * literally", #""StringEquals": {"aws:PrincipalTag/team": "*"}"#, ["aws:PrincipalTag/team": ["red"]], false),
        .init("StringEquals matches a literal * value", #""StringEquals": {"aws:PrincipalTag/team": "*"}"#, ["aws:PrincipalTag/team": ["*"]], true),
        .init("StringEquals with a number literal compares its text", #""StringEquals": {"aws:PrincipalTag/level": 3}"#, ["aws:PrincipalTag/level": ["3"]], true),
        .init("StringEquals with a boolean literal compares true", #""StringEquals": {"aws:PrincipalTag/flag": true}"#, ["aws:PrincipalTag/flag": ["true"]], true),
        .init("StringEquals empty string value", #""StringEquals": {"aws:PrincipalTag/team": ""}"#, ["aws:PrincipalTag/team": [""]], true),
        .init("StringEquals with an empty value list never holds", #""StringEquals": {"aws:PrincipalTag/team": []}"#, ["aws:PrincipalTag/team": ["red"]], false),
        .init("StringEquals on a present key with no values is false", #""StringEquals": {"aws:TagKeys": "a"}"#, ["aws:TagKeys": []], false),
        .init("StringEquals on a multivalued key without qualifier: any value", #""StringEquals": {"aws:TagKeys": "a"}"#, ["aws:TagKeys": ["b", "a"]], true),
        .init("StringNotEquals on an absent key is true", #""StringNotEquals": {"aws:PrincipalTag/team": "red"}"#, [:], true),
        .init("StringNotEquals differing value", #""StringNotEquals": {"aws:PrincipalTag/team": "red"}"#, ["aws:PrincipalTag/team": ["blue"]], true),
        .init("StringNotEquals equal value", #""StringNotEquals": {"aws:PrincipalTag/team": "red"}"#, ["aws:PrincipalTag/team": ["red"]], false),
        .init("StringNotEquals several values AND together (one equal)", #""StringNotEquals": {"aws:PrincipalTag/team": ["red", "blue"]}"#, ["aws:PrincipalTag/team": ["blue"]], false),
        .init("StringNotEquals several values AND together (none equal)", #""StringNotEquals": {"aws:PrincipalTag/team": ["red", "blue"]}"#, ["aws:PrincipalTag/team": ["green"]], true),
        .init("StringNotEquals is case-sensitive", #""StringNotEquals": {"aws:PrincipalTag/team": "red"}"#, ["aws:PrincipalTag/team": ["RED"]], true),
        .init("StringEqualsIgnoreCase folds case", #""StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "Red"}"#, ["aws:PrincipalTag/team": ["rED"]], true),
        .init("StringEqualsIgnoreCase folds non-ASCII case", #""StringEqualsIgnoreCase": {"aws:PrincipalTag/city": "ÅRHUS"}"#, ["aws:PrincipalTag/city": ["århus"]], true),
        .init("StringEqualsIgnoreCase different text", #""StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "red"}"#, ["aws:PrincipalTag/team": ["reds"]], false),
        .init("StringEqualsIgnoreCase on an absent key is false", #""StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "red"}"#, [:], false),
        .init("StringNotEqualsIgnoreCase on an absent key is true", #""StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "red"}"#, [:], true),
        .init("StringNotEqualsIgnoreCase equal ignoring case", #""StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "red"}"#, ["aws:PrincipalTag/team": ["RED"]], false),
        .init("StringNotEqualsIgnoreCase different", #""StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "red"}"#, ["aws:PrincipalTag/team": ["blue"]], true),
        .init("StringLike * matches any run", #""StringLike": {"aws:UserAgent": "aws-cli/*"}"#, ["aws:UserAgent": ["aws-cli/2.15.0 Python/3.11"]], true),
        .init("StringLike * matches the empty run", #""StringLike": {"aws:UserAgent": "aws-cli/*"}"#, ["aws:UserAgent": ["aws-cli/"]], true),
        .init("StringLike ? matches exactly one character", #""StringLike": {"aws:PrincipalTag/code": "a?c"}"#, ["aws:PrincipalTag/code": ["abc"]], true),
        .init("StringLike ? does not match zero characters", #""StringLike": {"aws:PrincipalTag/code": "a?c"}"#, ["aws:PrincipalTag/code": ["ac"]], false),
        .init("StringLike ? matches one non-ASCII character", #""StringLike": {"aws:PrincipalTag/code": "a?c"}"#, ["aws:PrincipalTag/code": ["aéc"]], true),
        .init("StringLike is case-sensitive", #""StringLike": {"aws:PrincipalTag/team": "red-*"}"#, ["aws:PrincipalTag/team": ["RED-1"]], false),
        .init("StringLike matches the whole value, not a prefix", #""StringLike": {"aws:PrincipalTag/team": "red"}"#, ["aws:PrincipalTag/team": ["red-1"]], false),
        .init("StringLike several stars backtrack", #""StringLike": {"s3:prefix": "home/*/docs/*.txt"}"#, ["s3:prefix": ["home/alice/x/docs/a/b.txt"]], true),
        .init("StringLike several stars no match", #""StringLike": {"s3:prefix": "home/*/docs/*.txt"}"#, ["s3:prefix": ["home/alice/docs.txt"]], false),
        .init("StringLike on an absent key is false", #""StringLike": {"aws:UserAgent": "*"}"#, [:], false),
        .init("StringLike lone * matches the empty string", #""StringLike": {"aws:UserAgent": "*"}"#, ["aws:UserAgent": [""]], true),
        .init("StringNotLike on an absent key is true", #""StringNotLike": {"aws:UserAgent": "*"}"#, [:], true),
        .init("StringNotLike matching value is false", #""StringNotLike": {"aws:PrincipalTag/team": "red-*"}"#, ["aws:PrincipalTag/team": ["red-7"]], false),
        .init("StringNotLike non-matching value is true", #""StringNotLike": {"aws:PrincipalTag/team": "red-*"}"#, ["aws:PrincipalTag/team": ["blue-7"]], true),
        .init("StringNotLike several patterns AND together", #""StringNotLike": {"aws:PrincipalTag/team": ["red-*", "blue-*"]}"#, ["aws:PrincipalTag/team": ["blue-7"]], false),
    ]

    static let numbers: [ConditionCase] = [
        .init("NumericEquals equal integers", #""NumericEquals": {"s3:max-keys": "10"}"#, ["s3:max-keys": ["10"]], true),
        .init("NumericEquals compares numbers, not text", #""NumericEquals": {"s3:max-keys": "10"}"#, ["s3:max-keys": ["10.0"]], true),
        .init("NumericEquals accepts a JSON number", #""NumericEquals": {"s3:max-keys": 10}"#, ["s3:max-keys": ["10"]], true),
        .init("NumericEquals unequal", #""NumericEquals": {"s3:max-keys": "10"}"#, ["s3:max-keys": ["11"]], false),
        .init("NumericEquals non-numeric request value never matches", #""NumericEquals": {"s3:max-keys": "10"}"#, ["s3:max-keys": ["ten"]], false),
        .init("NumericEquals on an absent key is false", #""NumericEquals": {"s3:max-keys": "10"}"#, [:], false),
        .init("NumericNotEquals on an absent key is true", #""NumericNotEquals": {"s3:max-keys": "10"}"#, [:], true),
        .init("NumericNotEquals unequal", #""NumericNotEquals": {"s3:max-keys": "10"}"#, ["s3:max-keys": ["9"]], true),
        .init("NumericNotEquals equal", #""NumericNotEquals": {"s3:max-keys": "10"}"#, ["s3:max-keys": ["10"]], false),
        .init("NumericNotEquals values AND together", #""NumericNotEquals": {"s3:max-keys": ["10", "20"]}"#, ["s3:max-keys": ["20"]], false),
        .init("NumericLessThan below", #""NumericLessThan": {"s3:max-keys": "10"}"#, ["s3:max-keys": ["9"]], true),
        .init("NumericLessThan equal is not less", #""NumericLessThan": {"s3:max-keys": "10"}"#, ["s3:max-keys": ["10"]], false),
        .init("NumericLessThan negative numbers", #""NumericLessThan": {"s3:max-keys": "-1"}"#, ["s3:max-keys": ["-2.5"]], true),
        .init("NumericLessThan on an absent key is false", #""NumericLessThan": {"s3:max-keys": "10"}"#, [:], false),
        .init("NumericLessThanEquals equal", #""NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}"#, ["aws:MultiFactorAuthAge": ["3600"]], true),
        .init("NumericLessThanEquals above", #""NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}"#, ["aws:MultiFactorAuthAge": ["3601"]], false),
        .init("NumericGreaterThan above", #""NumericGreaterThan": {"s3:max-keys": "10"}"#, ["s3:max-keys": ["10.5"]], true),
        .init("NumericGreaterThan equal is not greater", #""NumericGreaterThan": {"s3:max-keys": "10"}"#, ["s3:max-keys": ["10"]], false),
        .init("NumericGreaterThanEquals equal", #""NumericGreaterThanEquals": {"s3:max-keys": "10"}"#, ["s3:max-keys": ["10"]], true),
        .init("NumericGreaterThanEquals below", #""NumericGreaterThanEquals": {"s3:max-keys": "10"}"#, ["s3:max-keys": ["9.99"]], false),
        .init("NumericGreaterThanEquals exponent notation", #""NumericGreaterThanEquals": {"s3:max-keys": "1e3"}"#, ["s3:max-keys": ["1000"]], true),
        .init("Numeric several policy values OR together", #""NumericEquals": {"s3:max-keys": [5, 10]}"#, ["s3:max-keys": ["5"]], true),
        .init("Numeric hex request value is not a number", #""NumericEquals": {"s3:max-keys": "16"}"#, ["s3:max-keys": ["0x10"]], false),
    ]

    static let dates: [ConditionCase] = [
        .init("DateLessThan before the date", #""DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}"#, ["aws:CurrentTime": ["2019-12-31T23:59:59Z"]], true),
        .init("DateLessThan at the date is not less", #""DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}"#, ["aws:CurrentTime": ["2020-01-01T00:00:00Z"]], false),
        .init("DateLessThanEquals at the date", #""DateLessThanEquals": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}"#, ["aws:CurrentTime": ["2020-01-01T00:00:00Z"]], true),
        .init("DateGreaterThan after the date", #""DateGreaterThan": {"aws:CurrentTime": "2019-07-16T12:00:00Z"}"#, ["aws:CurrentTime": ["2019-07-16T12:00:01Z"]], true),
        .init("DateGreaterThan before the date", #""DateGreaterThan": {"aws:CurrentTime": "2019-07-16T12:00:00Z"}"#, ["aws:CurrentTime": ["2019-07-16T11:59:59Z"]], false),
        .init("DateGreaterThanEquals at the date", #""DateGreaterThanEquals": {"aws:CurrentTime": "2019-07-16T12:00:00Z"}"#, ["aws:CurrentTime": ["2019-07-16T12:00:00Z"]], true),
        .init("DateEquals same instant in another zone", #""DateEquals": {"aws:CurrentTime": "2020-06-30T12:00:00Z"}"#, ["aws:CurrentTime": ["2020-06-30T14:00:00+02:00"]], true),
        .init("DateEquals date-only policy value is midnight UTC", #""DateEquals": {"aws:CurrentTime": "2020-06-30"}"#, ["aws:CurrentTime": ["2020-06-30T00:00:00Z"]], true),
        .init("DateEquals year-month policy value is the month's first day", #""DateEquals": {"aws:CurrentTime": "2020-06"}"#, ["aws:CurrentTime": ["2020-06-01T00:00:00Z"]], true),
        .init("DateLessThan year-month before the month", #""DateLessThan": {"aws:CurrentTime": "2020-07"}"#, ["aws:CurrentTime": ["2020-06-30T23:59:59Z"]], true),
        .init("DateLessThan year-month not inside the month", #""DateLessThan": {"aws:CurrentTime": "2020-07"}"#, ["aws:CurrentTime": ["2020-07-01T00:00:01Z"]], false),
        .init("DateLessThan invalid month never matches", #""DateLessThan": {"aws:CurrentTime": "2024-03-01T00:00:00Z"}"#, ["aws:CurrentTime": ["2023-13"]], false),
        .init("DateEquals epoch seconds in the policy", #""DateEquals": {"aws:EpochTime": "1593518400"}"#, ["aws:EpochTime": ["2020-06-30T12:00:00Z"]], true),
        .init("DateEquals epoch seconds in the request", #""DateEquals": {"aws:CurrentTime": "2020-06-30T12:00:00Z"}"#, ["aws:CurrentTime": ["1593518400"]], true),
        .init("DateEquals fractional seconds", #""DateEquals": {"aws:CurrentTime": "2020-06-30T12:00:00.500Z"}"#, ["aws:CurrentTime": ["2020-06-30T12:00:00.5Z"]], true),
        .init("DateLessThan across a leap day", #""DateLessThan": {"aws:CurrentTime": "2024-03-01T00:00:00Z"}"#, ["aws:CurrentTime": ["2024-02-29T23:00:00Z"]], true),
        .init("DateLessThan unparseable request date never matches", #""DateLessThan": {"aws:CurrentTime": "2024-03-01T00:00:00Z"}"#, ["aws:CurrentTime": ["yesterday"]], false),
        .init("DateLessThan invalid calendar date never matches", #""DateLessThan": {"aws:CurrentTime": "2024-03-01T00:00:00Z"}"#, ["aws:CurrentTime": ["2023-02-29T00:00:00Z"]], false),
        .init("DateLessThan on an absent key is false", #""DateLessThan": {"aws:CurrentTime": "2024-03-01T00:00:00Z"}"#, [:], false),
        .init("DateNotEquals on an absent key is true", #""DateNotEquals": {"aws:CurrentTime": "2024-03-01T00:00:00Z"}"#, [:], true),
        .init("DateNotEquals equal instant", #""DateNotEquals": {"aws:CurrentTime": "2024-03-01T00:00:00Z"}"#, ["aws:CurrentTime": ["2024-03-01T01:00:00+01:00"]], false),
        .init("DateNotEquals different instant", #""DateNotEquals": {"aws:CurrentTime": "2024-03-01T00:00:00Z"}"#, ["aws:CurrentTime": ["2024-03-02T00:00:00Z"]], true),
        .init("Date range with two operators ANDs them (inside)", #""DateGreaterThan": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}, "DateLessThan": {"aws:CurrentTime": "2020-06-30T23:59:59Z"}"#, ["aws:CurrentTime": ["2020-05-05T10:00:00Z"]], true),
        .init("Date range with two operators ANDs them (outside)", #""DateGreaterThan": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}, "DateLessThan": {"aws:CurrentTime": "2020-06-30T23:59:59Z"}"#, ["aws:CurrentTime": ["2020-07-05T10:00:00Z"]], false),
    ]

    static let booleansAndBinary: [ConditionCase] = [
        .init("Bool true matches true", #""Bool": {"aws:SecureTransport": "true"}"#, ["aws:SecureTransport": ["true"]], true),
        .init("Bool accepts a JSON boolean", #""Bool": {"aws:SecureTransport": true}"#, ["aws:SecureTransport": ["true"]], true),
        .init("Bool is case-insensitive in the request", #""Bool": {"aws:SecureTransport": "true"}"#, ["aws:SecureTransport": ["TRUE"]], true),
        .init("Bool is case-insensitive in the policy", #""Bool": {"aws:SecureTransport": "True"}"#, ["aws:SecureTransport": ["true"]], true),
        .init("Bool true does not match false", #""Bool": {"aws:SecureTransport": "true"}"#, ["aws:SecureTransport": ["false"]], false),
        .init("Bool false matches false", #""Bool": {"aws:SecureTransport": "false"}"#, ["aws:SecureTransport": ["false"]], true),
        .init("Bool non-boolean request value matches nothing", #""Bool": {"aws:SecureTransport": "false"}"#, ["aws:SecureTransport": ["no"]], false),
        .init("Bool on an absent key is false", #""Bool": {"aws:SecureTransport": "false"}"#, [:], false),
        .init("BoolIfExists on an absent key is true", #""BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}"#, [:], true),
        .init("BoolIfExists on a present false key is false", #""BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}"#, ["aws:MultiFactorAuthPresent": ["false"]], false),
        .init("BinaryEquals same bytes", #""BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}"#, ["key": ["QmluYXJ5VmFsdWVJbkJhc2U2NA=="]], true),
        .init("BinaryEquals different bytes", #""BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}"#, ["key": ["QmluYXJ5VmFsdWVJbkJhc2U2NQ=="]], false),
        .init("BinaryEquals invalid request base64 never matches", #""BinaryEquals": {"key": "AAAA"}"#, ["key": ["AAA"]], false),
        .init("BinaryEquals on an absent key is false", #""BinaryEquals": {"key": "AAAA"}"#, [:], false),
        .init("BinaryEquals one of several values", #""BinaryEquals": {"key": ["AAAA", "AQID"]}"#, ["key": ["AQID"]], true),
    ]

    static let addresses: [ConditionCase] = [
        .init("IpAddress inside an IPv4 CIDR", #""IpAddress": {"aws:SourceIp": "203.0.113.0/24"}"#, ["aws:SourceIp": ["203.0.113.77"]], true),
        .init("IpAddress outside an IPv4 CIDR", #""IpAddress": {"aws:SourceIp": "203.0.113.0/24"}"#, ["aws:SourceIp": ["203.0.114.1"]], false),
        .init("IpAddress single IPv4 address", #""IpAddress": {"aws:SourceIp": "192.0.2.1"}"#, ["aws:SourceIp": ["192.0.2.1"]], true),
        .init("IpAddress /32 excludes the neighbour", #""IpAddress": {"aws:SourceIp": "192.0.2.1/32"}"#, ["aws:SourceIp": ["192.0.2.2"]], false),
        .init("IpAddress /0 matches every IPv4", #""IpAddress": {"aws:SourceIp": "0.0.0.0/0"}"#, ["aws:SourceIp": ["8.8.8.8"]], true),
        .init("IpAddress /0 IPv4 does not match IPv6", #""IpAddress": {"aws:SourceIp": "0.0.0.0/0"}"#, ["aws:SourceIp": ["2001:db8::1"]], false),
        .init("IpAddress host bits in the policy block are ignored", #""IpAddress": {"aws:SourceIp": "203.0.113.9/24"}"#, ["aws:SourceIp": ["203.0.113.200"]], true),
        .init("IpAddress odd prefix length", #""IpAddress": {"aws:SourceIp": "10.0.0.0/9"}"#, ["aws:SourceIp": ["10.127.255.255"]], true),
        .init("IpAddress odd prefix length boundary", #""IpAddress": {"aws:SourceIp": "10.0.0.0/9"}"#, ["aws:SourceIp": ["10.128.0.0"]], false),
        .init("IpAddress inside an IPv6 CIDR", #""IpAddress": {"aws:SourceIp": "2001:DB8:1234:5678::/64"}"#, ["aws:SourceIp": ["2001:db8:1234:5678:abcd::1"]], true),
        .init("IpAddress outside an IPv6 CIDR", #""IpAddress": {"aws:SourceIp": "2001:DB8:1234:5678::/64"}"#, ["aws:SourceIp": ["2001:db8:1234:5679::1"]], false),
        .init("IpAddress IPv6 prefix across the 64-bit boundary", #""IpAddress": {"aws:SourceIp": "2001:db8::/72"}"#, ["aws:SourceIp": ["2001:db8::ff:1"]], true),
        .init("IpAddress IPv6 full form equals compressed", #""IpAddress": {"aws:SourceIp": "2001:db8::1"}"#, ["aws:SourceIp": ["2001:0db8:0000:0000:0000:0000:0000:0001"]], true),
        .init("IpAddress IPv4-mapped IPv6 request counts as IPv4", #""IpAddress": {"aws:SourceIp": "192.0.2.0/24"}"#, ["aws:SourceIp": ["::ffff:192.0.2.5"]], true),
        .init("IpAddress either of two blocks", #""IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}"#, ["aws:SourceIp": ["203.0.113.5"]], true),
        .init("IpAddress malformed request address never matches", #""IpAddress": {"aws:SourceIp": "0.0.0.0/0"}"#, ["aws:SourceIp": ["256.1.1.1"]], false),
        .init("IpAddress on an absent key is false", #""IpAddress": {"aws:SourceIp": "0.0.0.0/0"}"#, [:], false),
        .init("NotIpAddress on an absent key is true", #""NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}"#, [:], true),
        .init("NotIpAddress outside the block", #""NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}"#, ["aws:SourceIp": ["198.51.100.1"]], true),
        .init("NotIpAddress inside the block", #""NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}"#, ["aws:SourceIp": ["192.0.2.1"]], false),
        .init("NotIpAddress several blocks AND together", #""NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}"#, ["aws:SourceIp": ["203.0.113.1"]], false),
    ]

    static let arns: [ConditionCase] = [
        .init("ArnEquals exact ARN", #""ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"}"#, ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:topic"]], true),
        .init("ArnEquals is case-sensitive", #""ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"}"#, ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:Topic"]], false),
        .init("ArnEquals honours wildcards per segment", #""ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}"#, ["aws:SourceArn": ["arn:aws:sns:eu-west-1:111122223333:alerts"]], true),
        .init("ArnLike region wildcard", #""ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:topic"}"#, ["aws:SourceArn": ["arn:aws:sns:ap-south-1:111122223333:topic"]], true),
        .init("ArnLike wildcard does not cross a colon", #""ArnLike": {"aws:SourceArn": "arn:aws:sns:us-*-1:111122223333:topic"}"#, ["aws:SourceArn": ["arn:aws:sns:us-east:x-1:111122223333:topic"]], false),
        .init("ArnLike wrong account", #""ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}"#, ["aws:SourceArn": ["arn:aws:sns:us-east-1:444455556666:topic"]], false),
        .init("ArnLike ? in the account segment", #""ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:11112222333?:topic"}"#, ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223334:topic"]], true),
        .init("ArnLike resource part may hold colons", #""ArnLike": {"aws:SourceArn": "arn:aws:logs:us-east-1:111122223333:log-group:/app/*"}"#, ["aws:SourceArn": ["arn:aws:logs:us-east-1:111122223333:log-group:/app/web:log-stream:x"]], true),
        .init("ArnLike non-ARN request value does not match", #""ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}"#, ["aws:SourceArn": ["not-an-arn"]], false),
        .init("ArnLike on an absent key is false", #""ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}"#, [:], false),
        .init("ArnNotEquals on an absent key is true", #""ArnNotEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"}"#, [:], true),
        .init("ArnNotEquals different ARN", #""ArnNotEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"}"#, ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:other"]], true),
        .init("ArnNotLike on an absent key is true", #""ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}"#, [:], true),
        .init("ArnNotLike matching ARN is false", #""ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}"#, ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:t"]], false),
        .init("ArnNotLike values AND together", #""ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/admin", "arn:aws:iam::*:role/ops"]}"#, ["aws:PrincipalArn": ["arn:aws:iam::111122223333:role/ops"]], false),
    ]

    static let presenceAndIfExists: [ConditionCase] = [
        .init("Null true holds when the key is absent", #""Null": {"aws:TokenIssueTime": "true"}"#, [:], true),
        .init("Null true fails when the key is present", #""Null": {"aws:TokenIssueTime": "true"}"#, ["aws:TokenIssueTime": ["2020-01-01T00:00:00Z"]], false),
        .init("Null false holds when the key is present", #""Null": {"aws:TokenIssueTime": "false"}"#, ["aws:TokenIssueTime": ["2020-01-01T00:00:00Z"]], true),
        .init("Null false fails when the key is absent", #""Null": {"aws:TokenIssueTime": "false"}"#, [:], false),
        .init("Null accepts a JSON boolean", #""Null": {"aws:TokenIssueTime": true}"#, [:], true),
        .init("Null true holds for a key present with no values", #""Null": {"aws:TagKeys": "true"}"#, ["aws:TagKeys": []], true),
        .init("StringEqualsIfExists on an absent key is true", #""StringEqualsIfExists": {"ec2:InstanceType": ["t1.*", "t2.*"]}"#, [:], true),
        .init("StringEqualsIfExists on a present key compares", #""StringEqualsIfExists": {"ec2:InstanceType": "t2.micro"}"#, ["ec2:InstanceType": ["m5.large"]], false),
        .init("StringLikeIfExists on a present key matches", #""StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*"]}"#, ["ec2:InstanceType": ["t2.micro"]], true),
        .init("StringNotEqualsIfExists on an absent key is true", #""StringNotEqualsIfExists": {"aws:PrincipalTag/team": "red"}"#, [:], true),
        .init("NumericLessThanIfExists on an absent key is true", #""NumericLessThanIfExists": {"s3:max-keys": "10"}"#, [:], true),
        .init("NumericLessThanIfExists on a present key compares", #""NumericLessThanIfExists": {"s3:max-keys": "10"}"#, ["s3:max-keys": ["11"]], false),
        .init("DateGreaterThanIfExists on an absent key is true", #""DateGreaterThanIfExists": {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}"#, [:], true),
        .init("IpAddressIfExists on an absent key is true", #""IpAddressIfExists": {"aws:SourceIp": "192.0.2.0/24"}"#, [:], true),
        .init("IpAddressIfExists on a present key compares", #""IpAddressIfExists": {"aws:SourceIp": "192.0.2.0/24"}"#, ["aws:SourceIp": ["10.0.0.1"]], false),
        .init("ArnLikeIfExists on an absent key is true", #""ArnLikeIfExists": {"aws:SourceArn": "arn:aws:sns:*:*:*"}"#, [:], true),
        .init("BinaryEqualsIfExists on an absent key is true", #""BinaryEqualsIfExists": {"key": "AAAA"}"#, [:], true),
        .init("Operator names are case-insensitive", #""stringequalsifexists": {"aws:PrincipalTag/team": "red"}"#, ["aws:PrincipalTag/team": ["red"]], true),
    ]

    static let setQualifiers: [ConditionCase] = [
        .init("ForAllValues holds when every request value is listed", #""ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}"#, ["aws:TagKeys": ["environment", "cost-center"]], true),
        .init("ForAllValues fails when one request value is not listed", #""ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}"#, ["aws:TagKeys": ["environment", "owner"]], false),
        .init("ForAllValues is true on an absent key", #""ForAllValues:StringEquals": {"aws:TagKeys": ["environment"]}"#, [:], true),
        .init("ForAllValues is true on an empty key", #""ForAllValues:StringEquals": {"aws:TagKeys": ["environment"]}"#, ["aws:TagKeys": []], true),
        .init("ForAllValues subset of the listed values holds", #""ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b", "c"]}"#, ["aws:TagKeys": ["b"]], true),
        .init("ForAllValues:StringLike every value matches a pattern", #""ForAllValues:StringLike": {"aws:TagKeys": ["key1*", "key2*"]}"#, ["aws:TagKeys": ["key1a", "key2b"]], true),
        .init("ForAllValues:StringLike one value matches no pattern", #""ForAllValues:StringLike": {"aws:TagKeys": ["key1*"]}"#, ["aws:TagKeys": ["key1a", "other"]], false),
        .init("ForAllValues:StringNotEquals no request value is listed", #""ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}"#, ["aws:TagKeys": ["a", "b"]], true),
        .init("ForAllValues:StringNotEquals one request value is listed", #""ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}"#, ["aws:TagKeys": ["a", "secret"]], false),
        .init("ForAllValues:StringEqualsIgnoreCase folds every value", #""ForAllValues:StringEqualsIgnoreCase": {"aws:TagKeys": ["Env"]}"#, ["aws:TagKeys": ["ENV", "env"]], true),
        .init("ForAllValues:NumericLessThan every value below", #""ForAllValues:NumericLessThan": {"custom:sizes": "10"}"#, ["custom:sizes": ["1", "9"]], true),
        .init("ForAllValues:NumericLessThan one value above", #""ForAllValues:NumericLessThan": {"custom:sizes": "10"}"#, ["custom:sizes": ["1", "11"]], false),
        .init("ForAllValues:IpAddress every address inside", #""ForAllValues:IpAddress": {"custom:hops": "10.0.0.0/8"}"#, ["custom:hops": ["10.1.1.1", "10.2.2.2"]], true),
        .init("ForAllValues:ArnLike every ARN matches", #""ForAllValues:ArnLike": {"custom:arns": "arn:aws:sqs:*:111122223333:*"}"#, ["custom:arns": ["arn:aws:sqs:us-east-1:111122223333:a", "arn:aws:sqs:eu-west-1:111122223333:b"]], true),
        .init("ForAllValues:StringEqualsIfExists on an absent key is true", #""ForAllValues:StringEqualsIfExists": {"aws:TagKeys": "a"}"#, [:], true),
        .init("ForAnyValue holds when one request value is listed", #""ForAnyValue:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}"#, ["aws:TagKeys": ["owner", "environment"]], true),
        .init("ForAnyValue fails when no request value is listed", #""ForAnyValue:StringEquals": {"aws:TagKeys": ["environment"]}"#, ["aws:TagKeys": ["owner"]], false),
        .init("ForAnyValue is false on an absent key", #""ForAnyValue:StringEquals": {"aws:TagKeys": ["environment"]}"#, [:], false),
        .init("ForAnyValue is false on an empty key", #""ForAnyValue:StringEquals": {"aws:TagKeys": ["environment"]}"#, ["aws:TagKeys": []], false),
        .init("ForAnyValue:StringNotEquals on an absent key is false", #""ForAnyValue:StringNotEquals": {"aws:TagKeys": ["secret"]}"#, [:], false),
        .init("ForAnyValue:StringNotEquals one request value is unlisted", #""ForAnyValue:StringNotEquals": {"aws:TagKeys": ["secret"]}"#, ["aws:TagKeys": ["secret", "a"]], true),
        .init("ForAnyValue:StringNotEquals every request value is listed", #""ForAnyValue:StringNotEquals": {"aws:TagKeys": ["secret"]}"#, ["aws:TagKeys": ["secret"]], false),
        .init("ForAnyValue:StringLike one value matches", #""ForAnyValue:StringLike": {"aws:PrincipalServiceNamesList": "*.amazonaws.com"}"#, ["aws:PrincipalServiceNamesList": ["x", "sqs.amazonaws.com"]], true),
        .init("ForAnyValue:StringEqualsIfExists on an absent key is true", #""ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "a"}"#, [:], true),
        .init("ForAnyValue:DateGreaterThan one date after", #""ForAnyValue:DateGreaterThan": {"custom:dates": "2020-01-01T00:00:00Z"}"#, ["custom:dates": ["2019-01-01T00:00:00Z", "2021-01-01T00:00:00Z"]], true),
        .init("ForAnyValue:Bool one true value", #""ForAnyValue:Bool": {"custom:flags": "true"}"#, ["custom:flags": ["false", "true"]], true),
        .init("Qualifier names are case-insensitive", #""forallvalues:StringEquals": {"aws:TagKeys": "a"}"#, ["aws:TagKeys": ["a"]], true),
    ]

    static let combinations: [ConditionCase] = [
        .init("Several keys under one operator AND together (both hold)", #""StringEquals": {"aws:PrincipalTag/team": "red", "aws:RequestedRegion": "us-east-1"}"#, ["aws:PrincipalTag/team": ["red"], "aws:RequestedRegion": ["us-east-1"]], true),
        .init("Several keys under one operator AND together (one fails)", #""StringEquals": {"aws:PrincipalTag/team": "red", "aws:RequestedRegion": "us-east-1"}"#, ["aws:PrincipalTag/team": ["red"], "aws:RequestedRegion": ["eu-west-1"]], false),
        .init("Several operators AND together (both hold)", #""StringEquals": {"aws:PrincipalTag/team": "red"}, "Bool": {"aws:SecureTransport": "true"}"#, ["aws:PrincipalTag/team": ["red"], "aws:SecureTransport": ["true"]], true),
        .init("Several operators AND together (one fails)", #""StringEquals": {"aws:PrincipalTag/team": "red"}, "Bool": {"aws:SecureTransport": "true"}"#, ["aws:PrincipalTag/team": ["red"], "aws:SecureTransport": ["false"]], false),
        .init("Negated and positive operators on one key combine", #""StringLike": {"aws:PrincipalTag/team": "red-*"}, "StringNotEquals": {"aws:PrincipalTag/team": "red-admin"}"#, ["aws:PrincipalTag/team": ["red-admin"]], false),
        .init("An empty Condition object always holds", "", [:], true),
    ]

    static var all: [ConditionCase] {
        strings + numbers + dates + booleansAndBinary + addresses + arns + presenceAndIfExists + setQualifiers + combinations
    }
}

@Suite struct ConditionOperatorTests {
    @Test(arguments: ConditionCases.all)
    func conditionDecidesTheAllow(_ testCase: ConditionCase) {
        let policy = Fixture.identity(
            #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {\#(testCase.condition)}}"#)
        let decision = Fixture.decide(policy, Fixture.request(context: testCase.context))
        #expect(decision == (testCase.holds ? .allowed : .implicitDeny), "\(testCase.name)")
    }

    @Test(arguments: ConditionCases.all)
    func sameConditionUnderDenyDecidesTheDeny(_ testCase: ConditionCase) {
        let policy = Fixture.identity(
            #"{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "sqs:*", "Resource": "*", "Condition": {\#(testCase.condition)}}"#)
        let decision = Fixture.decide(policy, Fixture.request(context: testCase.context))
        #expect(decision == (testCase.holds ? .explicitDeny : .allowed), "\(testCase.name)")
    }

    @Test func tableIsLargeEnough() {
        #expect(ConditionCases.all.count >= 150)
    }
}

import Testing

@testable import QueueEngine

@Suite("Number attributes: decimals of at most 38 significant digits between 10^-128 and 10^+126 inclusive")
struct NumberAttributeTests {
    @Test(
        "Accepted",
        arguments: [
            "0", "-0", "+7", "42", "3.14159", ".5", "5.", "-1.5e3", "1E-5", "0.000", "1e126", "1.000e126", "0.1e127", "1e0000001", "1e-128",
            "12345678901234567890123456789012345678", "1234567890123456789012345678901234567800000", "0000012.50000",
        ])
    func accepted(text: String) {
        #expect(MessageValidation.isSQSNumber(text))
    }

    @Test(
        "Refused",
        arguments: [
            "", "-", "+", ".", "e5", "1e", "1e+", "0x10", "1_000", " 1", "1 ", "--1", "1..2", "NaN", "inf", "1e127", "9.99e126", "1.0000001e126", "1e-129",
            "123456789012345678901234567890123456789", "1.2.3", "1e1234567",
        ])
    func refused(text: String) {
        #expect(!MessageValidation.isSQSNumber(text))
    }
}

import Testing

@testable import IdentityWire

@Suite("Identity errors")
struct IdentityErrorTests {
    @Test(
        "Each error has AWS's code and HTTP status",
        arguments: [
            (IdentityError.missingAuthenticationToken, "MissingAuthenticationToken", 403),
            (.invalidClientTokenId, "InvalidClientTokenId", 403),
            (.signatureDoesNotMatch("mismatch"), "SignatureDoesNotMatch", 403),
            (.incompleteSignature("no Credential"), "IncompleteSignature", 400),
            (.requestExpired("too old"), "RequestExpired", 403),
            (.accessDenied(principalArn: "arn:aws:iam::000000000000:user/bob", action: "iam:SimulateCustomPolicy"), "AccessDenied", 403),
            (.invalidInput("x"), "InvalidInput", 400), (.noSuchEntity("x"), "NoSuchEntity", 404),
            (.malformedPolicyDocument("x"), "MalformedPolicyDocument", 400),
            (.invalidAction("Foo", service: .iam), "InvalidAction", 400), (.missingAction, "MissingAction", 400),
            (.malformedQueryString, "MalformedQueryString", 404), (.validation(["v"]), "ValidationError", 400),
            (.internalFailure, "InternalFailure", 500), (.limitExceeded("x"), "LimitExceeded", 409),
            (.unmodifiableEntity("x"), "UnmodifiableEntity", 400), (.userNameRequired, "ValidationError", 400),
        ])
    func codesAndStatuses(error: IdentityError, code: String, status: Int) {
        #expect(error.code == code)
        #expect(error.status == status)
        #expect(error.senderFault == (status < 500))
    }

    @Test("Messages carry AWS's wording")
    func messages() {
        #expect(
            IdentityError.accessDenied(
                principalArn: "arn:aws:iam::000000000000:user/bob", action: "iam:SimulatePrincipalPolicy",
                resource: "arn:aws:iam::000000000000:user/alice"
            ).message
                == "User: arn:aws:iam::000000000000:user/bob is not authorized to perform: iam:SimulatePrincipalPolicy on resource: arn:aws:iam::000000000000:user/alice")
        #expect(IdentityError.invalidAction("AssumeRole", service: .sts).message == "Could not find operation AssumeRole for version 2011-06-15")
        #expect(IdentityError.validation(["a"]).message == "1 validation error detected: a")
        #expect(IdentityError.validation(["a", "b"]).message == "2 validation errors detected: a; b")
    }

    @Test("awscliMessage is the line aws prints for a service error")
    func awscliMessage() {
        #expect(
            IdentityError.invalidInput("No policies.").awscliMessage(operation: "SimulateCustomPolicy")
                == "An error occurred (InvalidInput) when calling the SimulateCustomPolicy operation: No policies.")
    }
}

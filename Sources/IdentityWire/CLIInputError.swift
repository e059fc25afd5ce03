/// Why `--cli-input-json` input was refused, with the text awscli prints for the same input.
public enum CLIInputError: Error, Sendable, Equatable {
    /// The file is not JSON, or not a JSON object.
    case invalidJSON
    /// awscli's client-side checks failed (botocore's `ParamValidator`): one line per problem.
    case parameterValidation([String])
    /// The input passes awscli's checks but IAM would refuse it (an unknown `ContextKeyType`, a length above
    /// the maximum …).
    case rejected(IdentityError)

    /// The message awscli shows for this failure of `simulate-custom-policy`.
    public var message: String {
        switch self {
        case .invalidJSON: "Error parsing parameter 'cli-input-json': Invalid JSON received."
        case .parameterValidation(let problems): "Parameter validation failed:\n" + problems.joined(separator: "\n")
        case .rejected(let error): error.awscliMessage(operation: SimulationOperation.custom.actionName)
        }
    }
}

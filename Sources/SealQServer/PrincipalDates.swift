import Foundation

/// When the account and its users were made, as IAM's answers date them. SealQ's principals are
/// defined in a file, so the dates come from the files: the account is made when the data
/// directory is set up (`identity.json`), and its users when `policies/principals.json` was
/// last written, though not before the account (a checkout's copy of `policies/` may be older).
struct PrincipalDates: Sendable {
    /// `policies/principals.json`.
    let principalsFile: String
    /// `DATA/identity.json`.
    let identityFile: String

    /// When the data directory was set up; `now` for one not set up yet.
    func accountCreation(now: Date = Date()) -> Date {
        Self.modificationTime(of: identityFile) ?? now
    }

    /// When the users were made.
    func userCreation(now: Date = Date()) -> Date {
        let account = accountCreation(now: now)
        return max(Self.modificationTime(of: principalsFile) ?? account, account)
    }

    private static func modificationTime(of path: String) -> Date? {
        try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    }
}

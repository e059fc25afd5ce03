import ArgumentParser
import Foundation
import Principals
import WireFormat

/// `sealq principals`: manages the access keys of the principals defined in `policies/`.
///
/// Keys live in the data directory, their secrets sealed at rest; a running daemon picks up
/// every change at once. Output is JSON shaped like `aws iam create-access-key` and
/// `aws iam list-access-keys`. These are local changes, not API calls: the audit log records
/// the same changes made with IAM's API against the daemon.
struct PrincipalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "principals",
        abstract: "Manage the access keys of the principals defined in policies/.",
        discussion: """
            Changes made here are local administration of the host and are not in the audit log. \
            For audited changes, call IAM's API on the running daemon: aws iam create-access-key, \
            update-access-key and delete-access-key with --endpoint-url.
            """,
        subcommands: [CreateAccessKey.self, List.self, Disable.self, Enable.self, Delete.self])

    /// Prints `node` as awscli prints JSON.
    static func printJSON(_ node: OutputNode) {
        FileHandle.standardOutput.write(Data(AWSCLIJSONWriter.document(node)))
    }

    /// An access key's metadata as IAM lists it, with the secret only when it was just made.
    static func node(_ key: AccessKeyMetadata, secretAccessKey: String? = nil) -> OutputNode {
        var members: [(String, OutputNode)] = [
            ("UserName", .text(key.userName)), ("AccessKeyId", .text(key.accessKeyId)), ("Status", .text(key.status)),
        ]
        if let secretAccessKey { members.append(("SecretAccessKey", .text(secretAccessKey))) }
        members.append(("CreateDate", .text(key.createDate)))
        return .structure(members)
    }

    struct CreateAccessKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-access-key", abstract: "Create an access key for a user or role; the secret is shown once.")

        @OptionGroup var locations: LocationOptions
        @Argument(help: "The user or role name, as defined in policies/principals.json.")
        var name: String

        func run() throws {
            // It holds the new secret, and the key that seals the others.
            try ProcessSecrets.protectMemory()
            let catalog = try locations.principalCatalog(accountId: try locations.resolvedAccountId())
            guard catalog.principal(named: name) != nil else {
                throw PolicyCommand.fail("No user or role named \(name) in \(locations.resolvedPoliciesDirectory)/principals.json.")
            }
            if !locations.data.exists {
                // Keys may be made before the daemon's first start, but a typo must not pass unseen.
                FileHandle.standardError.write(
                    Data("note: \(locations.data.resolved) does not exist yet: it is made now and holds this key, which only a daemon started on it will know.\n".utf8))
            }
            let store = try AccessKeyStore(dataDirectory: locations.data.resolved)
            let (created, secret) = try store.create(for: name)
            PrincipalsCommand.printJSON(.structure([("AccessKey", PrincipalsCommand.node(created.metadata!, secretAccessKey: secret))]))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List access keys (never their secrets).")

        @OptionGroup var location: KeyStoreLocation
        @Argument(help: "Only the keys of this user or role.")
        var name: String?

        func run() throws {
            var keys: [AccessKeyMetadata] = []
            if location.data.exists {
                keys = try AccessKeyStore(dataDirectory: location.data.resolved).list()
            } else {
                // It holds no keys, and is not made: it may be a typo.
                FileHandle.standardError.write(Data("note: \(location.data.resolved) does not exist; it holds no access keys.\n".utf8))
            }
            let listed = keys.filter { name == nil || $0.userName == name }.map { PrincipalsCommand.node($0) }
            PrincipalsCommand.printJSON(.structure([("AccessKeyMetadata", .list(itemName: "member", listed))]))
        }
    }

    /// Where the keys are kept. The location options these commands do not read are accepted
    /// but not shown: scripts pass them to every `sealq principals` command.
    struct KeyStoreLocation: ParsableArguments {
        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var unread: UnreadLocationOptions
    }

    /// The access key a key command acts on, and where the keys are kept.
    struct AccessKeyTarget: ParsableArguments {
        @OptionGroup var location: KeyStoreLocation
        @Argument(help: "The access key id.")
        var accessKeyId: String

        /// The key store of the data directory, which must exist.
        func store() throws -> AccessKeyStore {
            try AccessKeyStore(dataDirectory: location.data.existing())
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an access key Inactive: calls signed with it are refused.")
        @OptionGroup var target: AccessKeyTarget

        func run() throws {
            try target.store().setStatus(target.accessKeyId, active: false)
            AccessKeyStore.waitUntilOthersLook()
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an Inactive access key Active again.")
        @OptionGroup var target: AccessKeyTarget

        func run() throws { try target.store().setStatus(target.accessKeyId, active: true) }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an access key for good.")
        @OptionGroup var target: AccessKeyTarget

        func run() throws {
            try target.store().delete(target.accessKeyId)
            AccessKeyStore.waitUntilOthersLook()
        }
    }
}

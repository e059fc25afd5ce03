import ArgumentParser
import CProcessGuard
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Keeps the secrets a command holds (root passphrase, admin secret, the plaintexts and keys
/// the daemon handles) out of core files, debuggers and `/proc/PID/environ`.
enum ProcessSecrets {
    /// No core file on a crash (RLIMIT_CORE 0) and no dumping or attaching by anyone but root
    /// (PR_SET_DUMPABLE 0), as ssh-agent and gpg-agent do. Call before reading any secret.
    static func protectMemory() throws {
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        guard setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore) == 0, sealq_set_undumpable() == 0 else {
            throw ProcessSecretsError(message: "could not turn off core dumps: \(String(cString: strerror(errno)))")
        }
    }

    /// The value of the environment variable `name` (nil when unset), then wiped: its bytes in
    /// the process's environment block are overwritten, which `/proc/PID/environ` shows, and
    /// the variable is removed, so no child process inherits it.
    static func take(_ name: String) -> String? {
        guard let pointer = getenv(name) else { return nil }
        let value = String(cString: pointer)
        memset(pointer, 0, strlen(pointer))
        unsetenv(name)
        return value
    }
}

/// The process could not be protected; the command stops rather than hold secrets unprotected.
struct ProcessSecretsError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A root passphrase read from the environment.
enum RootPassphrase {
    /// `value` of `variable` as a passphrase; set but empty is refused, since it is more likely
    /// an unset shell variable than a choice (and would otherwise silently mean "no passphrase").
    static func given(_ value: String?, variable: String) throws -> String? {
        guard let value else { return nil }
        guard !value.isEmpty else {
            throw ValidationError("\(variable) is set but empty: give the passphrase, or unset it to use a root key file.")
        }
        return value
    }
}

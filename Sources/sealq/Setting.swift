import ArgumentParser
import Foundation

/// A setting given by a flag or, failing that, by its environment variable.
enum Setting {
    /// `flag`, else the variable `variable`, else nil. Either one set but empty is refused: it is
    /// more likely an unset shell variable than a choice, and an empty path or address otherwise
    /// fails later with an obscure error ("cannot create the directory  (…)").
    static func value(_ flag: String?, option: String, variable: String) throws -> String? {
        guard let value = flag ?? ProcessInfo.processInfo.environment[variable] else { return nil }
        guard !value.isEmpty else {
            throw ValidationError("\(option) (or \(variable)) is set but empty: give a value, or leave it unset for the default.")
        }
        return value
    }
}

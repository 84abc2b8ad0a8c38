/// A user error in a command's input (flag, file, value): printed as one line, exit code non-zero.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension UnsafeRawBufferPointer {
    /// The start as the byte pointer C APIs take (nil only for an unallocated empty buffer).
    var bytePointer: UnsafePointer<UInt8>? { baseAddress?.assumingMemoryBound(to: UInt8.self) }
}

extension UnsafeMutableRawBufferPointer {
    /// The start as the byte pointer C APIs take (nil only for an unallocated empty buffer).
    var bytePointer: UnsafeMutablePointer<UInt8>? { baseAddress?.assumingMemoryBound(to: UInt8.self) }
}

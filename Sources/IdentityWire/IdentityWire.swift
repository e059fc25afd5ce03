// The IdentityWire module; its types arrive with issue 4.

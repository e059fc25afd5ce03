// The Principals module; its types arrive with issue 4.

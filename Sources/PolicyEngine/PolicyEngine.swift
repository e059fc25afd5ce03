// The PolicyEngine module; its types arrive with issue 4.

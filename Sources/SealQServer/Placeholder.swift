// SealQServer

print("sealq")

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 but remain the only allocation-free way
// to resume a precomputed HMAC state (HMACSHA256Key); nothing else here uses deprecated calls.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/sha.h>

/* For the tests under Wine only, never shipped. Rust's standard library on Windows draws its
 * random numbers (HashMap seeds) from ProcessPrng in bcryptprimitives.dll, which every
 * supported Windows (10, 11) has and Debian 12's Wine 8.0 does not. This stand-in serves
 * ProcessPrng from advapi32's RtlGenRandom (SystemFunction036), which Wine has. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}

/* The MCUNet link protocol (docs/link-protocol.md), shared by the firmware
 * (C99) and the host (C++): one frame format for every transport (UART on the
 * virtual board, USB CDC or bulk endpoints on real boards).
 *
 * frame = A5 5A | length u16 | type u8 | request id u8 | payload[length] | CRC-32 u32
 * All integers little endian. The CRC (IEEE 802.3, reflected, as in zlib)
 * covers length, type, id and payload. */
#ifndef MCUNET_LINK_H
#define MCUNET_LINK_H

#include <stddef.h>
#include <stdint.h>

#define MCU_LINK_SYNC0 0xA5u
#define MCU_LINK_SYNC1 0x5Au
#define MCU_LINK_VERSION 1u
#define MCU_LINK_HEADER_BYTES 6u
#define MCU_LINK_CRC_BYTES 4u
#define MCU_LINK_MAX_PAYLOAD 2048u
#define MCU_LINK_CHUNK 1024u /* input/output bytes per frame */

enum mcu_link_type {
    MCU_MSG_HELLO = 0x01,        /* -> HELLO_REPLY */
    MCU_MSG_WRITE_INPUT = 0x02,  /* u32 offset, bytes -> ACK u32 end */
    MCU_MSG_RUN = 0x03,          /* u32 runs -> RUN_DONE u32 runs, u64 total count of the last run */
    MCU_MSG_READ_OUTPUT = 0x04,  /* u32 offset, u16 length -> OUTPUT_DATA u32 offset, bytes */
    MCU_MSG_READ_PROFILE = 0x05, /* u16 first layer, u16 count -> PROFILE_DATA u16 first, u16 count, u64 counts */
    MCU_MSG_LOAD_INPUT = 0x06,   /* (none) -> ACK u32 end: the input read from the host file (virtual boards) */
    MCU_MSG_HELLO_REPLY = 0x81,
    MCU_MSG_ACK = 0x82,
    MCU_MSG_RUN_DONE = 0x83,
    MCU_MSG_OUTPUT_DATA = 0x84,
    MCU_MSG_PROFILE_DATA = 0x85,
    MCU_MSG_ERROR = 0xFF /* u8 code, text */
};

enum mcu_link_error {
    MCU_ERR_UNKNOWN_TYPE = 1,
    MCU_ERR_BAD_PAYLOAD = 2,
    MCU_ERR_OUT_OF_RANGE = 3,
    MCU_ERR_NO_INPUT = 4,
    MCU_ERR_NO_HOST = 5 /* LOAD_INPUT on a board without a host, or the host file missing or short */
};

/* The host file LOAD_INPUT reads (semihosting, in the emulator's folder). */
#define MCU_HOST_INPUT_FILE "mcunet-input.bin"

/* HELLO_REPLY flags (byte 17). */
#define MCU_FLAG_INPUT_REPEATABLE 0x01u /* the input survives a run */
#define MCU_FLAG_HOST_INPUT 0x02u       /* LOAD_INPUT reads the input from a host file */

/* Counter kinds in HELLO_REPLY. */
#define MCU_COUNTER_CYCLES 0u
#define MCU_COUNTER_INSTRUCTIONS 1u

static inline uint32_t mcu_crc32_update(uint32_t crc, const uint8_t *data, size_t n) {
    size_t i;
    int b;
    crc = ~crc;
    for (i = 0; i < n; ++i) {
        crc ^= data[i];
        for (b = 0; b < 8; ++b) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

#endif /* MCUNET_LINK_H */

/* Device side of the link protocol (docs/link-protocol.md). Frames with a bad
 * CRC are dropped and the bytes after their first one searched again for a
 * frame start, so a lost or corrupted byte costs one retry, never a wrong
 * answer. A request repeating the last request id is answered from the
 * cached reply without running anything again (the host retried because the
 * reply was lost). */
#include <string.h>

#include "app.h"
#include "board.h"
#include "mcunet_link.h"

#define FRAME_MAX (MCU_LINK_HEADER_BYTES + MCU_LINK_MAX_PAYLOAD + MCU_LINK_CRC_BYTES)

static uint8_t rx[FRAME_MAX];
static uint32_t rx_len;
/* Later frame starts inside an incomplete frame: if the first frame's length
 * was corrupted (or its tail lost), a retried request arrives inside it and
 * is taken as soon as it is complete and its CRC checks. */
#define MAX_CANDIDATES 8u
static uint32_t candidates[MAX_CANDIDATES];
static uint32_t candidate_count;
static uint8_t tx[FRAME_MAX];
static uint32_t tx_len;
static int have_last;
static uint8_t last_id, last_type;

static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static void put16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v) {
    put16(p, v);
    put16(p + 2, v >> 16);
}

int link_in_frame(void) { return rx_len > 0; }

/* Builds a reply in tx (payload already at tx + header) and sends it. */
static void send_reply(uint8_t type, uint8_t id, uint32_t payload_len) {
    uint32_t crc;
    tx[0] = MCU_LINK_SYNC0;
    tx[1] = MCU_LINK_SYNC1;
    put16(tx + 2, payload_len);
    tx[4] = type;
    tx[5] = id;
    crc = mcu_crc32_update(0, tx + 2, 4 + payload_len);
    put32(tx + MCU_LINK_HEADER_BYTES + payload_len, crc);
    tx_len = MCU_LINK_HEADER_BYTES + payload_len + MCU_LINK_CRC_BYTES;
    board_write(tx, tx_len);
}

static void send_error(uint8_t id, uint8_t code, const char *text) {
    uint8_t *p = tx + MCU_LINK_HEADER_BYTES;
    uint32_t n = (uint32_t)strlen(text);
    p[0] = code;
    memcpy(p + 1, text, n);
    send_reply(MCU_MSG_ERROR, id, 1 + n);
}

static uint32_t put_string(uint8_t *p, const char *s) {
    uint32_t n = (uint32_t)strlen(s);
    if (n > 255) n = 255;
    p[0] = (uint8_t)n;
    memcpy(p + 1, s, n);
    return n + 1;
}

static void handle(uint8_t type, uint8_t id, const uint8_t *payload, uint32_t n) {
    uint8_t *out = tx + MCU_LINK_HEADER_BYTES;
    if (type == MCU_MSG_HELLO) have_last = 0; /* a new session: forget the cached reply */
    if (have_last && id == last_id && type == last_type) {
        board_write(tx, tx_len); /* a retry: the same answer again */
        return;
    }
    switch (type) {
        case MCU_MSG_HELLO: {
            uint32_t len = 0;
            put16(out, MCU_LINK_VERSION);
            put32(out + 2, MODEL_ARENA_BYTES);
            put32(out + 6, MODEL_INPUT_BYTES);
            put32(out + 10, MODEL_OUTPUT_BYTES);
            put16(out + 14, MODEL_LAYER_COUNT);
            out[16] = board_counter_kind();
            out[17] = (uint8_t)((APP_INPUT_REPEATABLE ? MCU_FLAG_INPUT_REPEATABLE : 0u) |
                                (board_read_host_input(0, 0) >= 0 ? MCU_FLAG_HOST_INPUT : 0u));
            len = 18;
            len += put_string(out + len, board_name());
            len += put_string(out + len, MODEL_NAME);
            send_reply(MCU_MSG_HELLO_REPLY, id, len);
            break;
        }
        case MCU_MSG_WRITE_INPUT: {
            uint32_t offset, count;
            if (n < 4) {
                send_error(id, MCU_ERR_BAD_PAYLOAD, "write: short payload");
                break;
            }
            offset = get32(payload);
            count = n - 4;
            if (offset > MODEL_INPUT_BYTES || count > MODEL_INPUT_BYTES - offset) {
                send_error(id, MCU_ERR_OUT_OF_RANGE, "write: past the input tensor");
                break;
            }
            memcpy(app_input + offset, payload + 4, count);
            app_input_written = offset + count;
            put32(out, offset + count);
            send_reply(MCU_MSG_ACK, id, 4);
            break;
        }
        case MCU_MSG_LOAD_INPUT: {
            const int32_t got = n == 0 ? board_read_host_input((uint8_t *)app_input, MODEL_INPUT_BYTES) : -2;
            if (got == -2) {
                send_error(id, MCU_ERR_BAD_PAYLOAD, "load input: takes no payload");
                break;
            }
            if (got != (int32_t)MODEL_INPUT_BYTES) {
                send_error(id, MCU_ERR_NO_HOST, "load input: no host file " MCU_HOST_INPUT_FILE " of the input's size");
                break;
            }
            app_input_written = MODEL_INPUT_BYTES;
            put32(out, MODEL_INPUT_BYTES);
            send_reply(MCU_MSG_ACK, id, 4);
            break;
        }
        case MCU_MSG_RUN: {
            uint32_t runs;
            if (n != 4 || (runs = get32(payload)) == 0) {
                send_error(id, MCU_ERR_BAD_PAYLOAD, "run: needs a run count of at least 1");
                break;
            }
            if (!APP_INPUT_REPEATABLE && (app_input_written != MODEL_INPUT_BYTES || runs != 1)) {
                send_error(id, MCU_ERR_NO_INPUT, "run: this firmware keeps no input copy: write the input before each single run");
                break;
            }
            app_run(runs);
            put32(out, runs);
            put32(out + 4, (uint32_t)app_last_total);
            put32(out + 8, (uint32_t)(app_last_total >> 32));
            send_reply(MCU_MSG_RUN_DONE, id, 12);
            break;
        }
        case MCU_MSG_READ_OUTPUT: {
            uint32_t offset, count;
            if (n != 6) {
                send_error(id, MCU_ERR_BAD_PAYLOAD, "read output: bad payload");
                break;
            }
            offset = get32(payload);
            count = get16(payload + 4);
            if (offset > MODEL_OUTPUT_BYTES || count > MODEL_OUTPUT_BYTES - offset || count > MCU_LINK_CHUNK) {
                send_error(id, MCU_ERR_OUT_OF_RANGE, "read output: out of range");
                break;
            }
            put32(out, offset);
            memcpy(out + 4, app_output + offset, count);
            send_reply(MCU_MSG_OUTPUT_DATA, id, 4 + count);
            break;
        }
        case MCU_MSG_READ_PROFILE: {
            uint32_t first, count, i;
            if (n != 4) {
                send_error(id, MCU_ERR_BAD_PAYLOAD, "read profile: bad payload");
                break;
            }
            first = get16(payload);
            count = get16(payload + 2);
            if (first > MODEL_LAYER_COUNT || count > MODEL_LAYER_COUNT - first || count * 8u + 4u > MCU_LINK_MAX_PAYLOAD) {
                send_error(id, MCU_ERR_OUT_OF_RANGE, "read profile: out of range");
                break;
            }
            put16(out, first);
            put16(out + 2, count);
            for (i = 0; i < count; ++i) {
                put32(out + 4 + 8 * i, mcu_profile_counts[first + i]);
                put32(out + 8 + 8 * i, 0);
            }
            send_reply(MCU_MSG_PROFILE_DATA, id, 4 + 8 * count);
            break;
        }
        default:
            send_error(id, MCU_ERR_UNKNOWN_TYPE, "unknown message type");
    }
    have_last = 1;
    last_id = id;
    last_type = type;
}

/* Tries to take one frame from the start of rx. Returns 1 when rx holds a
 * partial frame that needs more bytes, 0 otherwise (rx consumed or shifted). */
static int parse(void) {
    for (;;) {
        uint32_t payload_len, total, crc, skip;
        if (rx_len == 0) return 0;
        if (rx[0] != MCU_LINK_SYNC0 || (rx_len > 1 && rx[1] != MCU_LINK_SYNC1)) goto resync;
        if (rx_len < MCU_LINK_HEADER_BYTES) return 1;
        payload_len = get16(rx + 2);
        if (payload_len > MCU_LINK_MAX_PAYLOAD) goto resync;
        total = MCU_LINK_HEADER_BYTES + payload_len + MCU_LINK_CRC_BYTES;
        if (rx_len < total) return 1;
        crc = mcu_crc32_update(0, rx + 2, 4 + payload_len);
        if (crc != get32(rx + MCU_LINK_HEADER_BYTES + payload_len)) goto resync;
        handle(rx[4], rx[5], rx + MCU_LINK_HEADER_BYTES, payload_len);
        memmove(rx, rx + total, rx_len - total);
        rx_len -= total;
        continue;
    resync:
        /* Drop the first byte and look for the next frame start. */
        for (skip = 1; skip < rx_len && rx[skip] != MCU_LINK_SYNC0; ++skip) {
        }
        memmove(rx, rx + skip, rx_len - skip);
        rx_len -= skip;
    }
}

static void check_candidates(void) {
    uint32_t i = 0;
    while (i < candidate_count) {
        const uint32_t k = candidates[i];
        int keep = 1;
        if (rx_len >= k + MCU_LINK_HEADER_BYTES) {
            const uint32_t payload_len = get16(rx + k + 2);
            const uint32_t end = k + MCU_LINK_HEADER_BYTES + payload_len + MCU_LINK_CRC_BYTES;
            if (payload_len > MCU_LINK_MAX_PAYLOAD || end > FRAME_MAX) {
                keep = 0;
            } else if (rx_len == end) {
                keep = 0;
                if (mcu_crc32_update(0, rx + k + 2, 4 + payload_len) == get32(rx + k + MCU_LINK_HEADER_BYTES + payload_len)) {
                    /* A whole valid frame: everything before it was damaged. */
                    memmove(rx, rx + k, end - k);
                    rx_len = end - k;
                    candidate_count = 0;
                    parse();
                    return;
                }
            }
        }
        if (keep) {
            ++i;
        } else {
            candidates[i] = candidates[--candidate_count];
        }
    }
}

void link_feed(uint8_t byte) {
    if (rx_len == FRAME_MAX) rx_len = 0; /* cannot happen with a valid length; be safe */
    rx[rx_len++] = byte;
    if (parse() == 0) {
        candidate_count = 0;
        return;
    }
    if (rx_len >= 4 && rx[rx_len - 2] == MCU_LINK_SYNC0 && byte == MCU_LINK_SYNC1 && candidate_count < MAX_CANDIDATES)
        candidates[candidate_count++] = rx_len - 2;
    check_candidates();
}

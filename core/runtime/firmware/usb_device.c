/* USB device core of the vendor bulk link: descriptors, chapter 9 requests
 * and the byte queues (usb_device.h). Written from the USB 2.0 specification,
 * chapter 9 (standard requests and descriptor layouts). */
#include "usb_device.h"

#include <string.h>

#define QUEUE_BYTES 4096u /* a power of two, more than one whole link frame (2058 bytes) */

typedef struct {
    uint8_t data[QUEUE_BYTES];
    uint32_t head, tail; /* free-running; head - tail bytes are queued */
} queue_t;

static queue_t rx, tx;
static uint8_t address, configured, halted_in, halted_out;
static char serial_text[25];
static uint8_t reply_buffer[64];

static const uint8_t device_descriptor[18] = {
    18, 1,                                /* bLength, DEVICE */
    0x00, 0x02,                           /* bcdUSB 2.00 */
    0, 0, 0,                              /* class per interface */
    USBD_EP0_SIZE,                        /* bMaxPacketSize0 */
    USBD_VENDOR_ID & 0xFF, USBD_VENDOR_ID >> 8, USBD_PRODUCT_ID & 0xFF, USBD_PRODUCT_ID >> 8,
    0x00, 0x01,                           /* bcdDevice 1.00 */
    1, 2, 3,                              /* manufacturer, product, serial strings */
    1                                     /* one configuration */
};

static const uint8_t configuration_descriptor[32] = {
    9, 2, 32, 0, 1, 1, 0, 0x80, 50, /* CONFIGURATION: 32 bytes, 1 interface, value 1, bus powered, 100 mA */
    9, 4, 0, 0, 2, USBD_LINK_CLASS, USBD_LINK_SUBCLASS, USBD_LINK_PROTOCOL, 4, /* INTERFACE 0, 2 endpoints, string 4 */
    7, 5, USBD_EP_OUT, 2, USBD_BULK_SIZE, 0, 0, /* ENDPOINT 0x01 bulk OUT, 64 bytes */
    7, 5, USBD_EP_IN, 2, USBD_BULK_SIZE, 0, 0   /* ENDPOINT 0x81 bulk IN, 64 bytes */
};

static const char *const strings[] = {0, "MCUNet Studio", "MCUNet Studio board", 0, "MCUNet link"};

static uint32_t queued(const queue_t *q) { return q->head - q->tail; }

static uint32_t queue_put(queue_t *q, const uint8_t *p, uint32_t n) {
    uint32_t i, room = QUEUE_BYTES - queued(q);
    if (n > room) n = room;
    for (i = 0; i < n; ++i) q->data[(q->head + i) & (QUEUE_BYTES - 1u)] = p[i];
    q->head += n;
    return n;
}

static uint32_t queue_take(queue_t *q, uint8_t *p, uint32_t max) {
    uint32_t i, n = queued(q);
    if (n > max) n = max;
    for (i = 0; i < n; ++i) p[i] = q->data[(q->tail + i) & (QUEUE_BYTES - 1u)];
    q->tail += n;
    return n;
}

void usbd_reset(const char *serial) {
    uint32_t i = 0;
    rx.head = rx.tail = tx.head = tx.tail = 0;
    address = configured = halted_in = halted_out = 0;
    if (serial)
        for (; i < sizeof serial_text - 1 && serial[i] >= 0x20 && serial[i] < 0x7F; ++i) serial_text[i] = serial[i];
    serial_text[i] = 0;
}

/* String descriptor `index` as UTF-16LE in reply_buffer; 0 bytes when absent. */
static uint16_t string_descriptor(uint8_t index) {
    const char *text = index == 3 ? serial_text : index < sizeof strings / sizeof strings[0] ? strings[index] : 0;
    uint16_t n = 0;
    if (index == 0) {
        reply_buffer[0] = 4, reply_buffer[1] = 3, reply_buffer[2] = 0x09, reply_buffer[3] = 0x04; /* US English */
        return 4;
    }
    if (!text || !text[0]) return 0;
    while (text[n] && 2u + 2u * (n + 1u) <= sizeof reply_buffer) {
        reply_buffer[2 + 2 * n] = (uint8_t)text[n];
        reply_buffer[3 + 2 * n] = 0;
        ++n;
    }
    reply_buffer[0] = (uint8_t)(2 + 2 * n);
    reply_buffer[1] = 3;
    return (uint16_t)(2 + 2 * n);
}

static enum usbd_result get_descriptor(uint16_t value, const uint8_t **reply, uint16_t *len) {
    const uint8_t type = (uint8_t)(value >> 8), index = (uint8_t)value;
    if (type == 1) {
        *reply = device_descriptor, *len = sizeof device_descriptor;
    } else if (type == 2 && index == 0) {
        *reply = configuration_descriptor, *len = sizeof configuration_descriptor;
    } else if (type == 3) {
        *len = string_descriptor(index);
        *reply = reply_buffer;
        if (*len == 0) return USBD_STALL;
    } else {
        return USBD_STALL; /* device qualifier and others: a full-speed-only device stalls them */
    }
    return USBD_REPLY;
}

/* Endpoint halt flags: only the two bulk endpoints can be halted. */
static uint8_t *halt_flag(uint16_t ep) {
    if ((ep & 0xFF) == USBD_EP_IN) return &halted_in;
    if ((ep & 0xFF) == USBD_EP_OUT) return &halted_out;
    return 0;
}

static enum usbd_result reply_bytes(const uint8_t **reply, uint16_t *len, uint8_t b0, uint8_t b1, uint16_t n) {
    reply_buffer[0] = b0, reply_buffer[1] = b1;
    *reply = reply_buffer, *len = n;
    return USBD_REPLY;
}

static enum usbd_result standard(uint8_t type, uint8_t request, uint16_t value, uint16_t index, const uint8_t **reply,
                                 uint16_t *len) {
    const uint8_t recipient = type & 0x1F;
    uint8_t *flag = recipient == 2 ? halt_flag(index) : 0;
    switch (request) {
        case 0x00: /* GET_STATUS */
            if (recipient == 2 && !flag && (index & 0x7F) != 0) return USBD_STALL;
            return reply_bytes(reply, len, flag ? *flag : 0, 0, 2);
        case 0x01: /* CLEAR_FEATURE */
        case 0x03: /* SET_FEATURE */
            if (recipient == 2 && value == 0 && flag) { /* ENDPOINT_HALT */
                *flag = request == 0x03;
                return USBD_REPLY;
            }
            return recipient == 0 && value == 1 ? USBD_REPLY : USBD_STALL; /* DEVICE_REMOTE_WAKEUP: accepted, unused */
        case 0x05: /* SET_ADDRESS */
            if (value > 127) return USBD_STALL;
            address = (uint8_t)value;
            return USBD_REPLY;
        case 0x06: return get_descriptor(value, reply, len);
        case 0x08: return reply_bytes(reply, len, configured, 0, 1); /* GET_CONFIGURATION */
        case 0x09:                                                   /* SET_CONFIGURATION */
            if (value > 1) return USBD_STALL;
            if (configured != value) rx.head = rx.tail = tx.head = tx.tail = 0;
            configured = (uint8_t)value;
            halted_in = halted_out = 0;
            return USBD_REPLY;
        case 0x0A: /* GET_INTERFACE */
            return configured && index == 0 ? reply_bytes(reply, len, 0, 0, 1) : USBD_STALL;
        case 0x0B: /* SET_INTERFACE: alternate setting 0 of interface 0 only */
            if (!configured || index != 0 || value != 0) return USBD_STALL;
            halted_in = halted_out = 0;
            return USBD_REPLY;
        default: return USBD_STALL;
    }
}

enum usbd_result usbd_control(const uint8_t setup[8], const uint8_t *data, const uint8_t **reply, uint16_t *reply_len) {
    const uint8_t type = setup[0], request = setup[1];
    const uint16_t value = (uint16_t)(setup[2] | setup[3] << 8), index = (uint16_t)(setup[4] | setup[5] << 8);
    const uint16_t length = (uint16_t)(setup[6] | setup[7] << 8);
    enum usbd_result r;
    (void)data; /* no request here takes an OUT data stage */
    *reply = 0;
    *reply_len = 0;
    if ((type & 0x60) != 0) return USBD_STALL; /* class and vendor requests: none */
    r = standard(type, request, value, index, reply, reply_len);
    if (r == USBD_REPLY && (type & 0x80) == 0) *reply_len = 0;
    if (*reply_len > length) *reply_len = length;
    return r;
}

uint8_t usbd_address(void) { return address; }
int usbd_configured(void) { return configured; }
int usbd_halted(uint8_t ep) {
    const uint8_t *flag = halt_flag(ep);
    return flag ? *flag : 0;
}

uint32_t usbd_rx_room(void) { return QUEUE_BYTES - queued(&rx); }
void usbd_rx_put(const uint8_t *data, uint32_t n) { (void)queue_put(&rx, data, n); }

int usbd_getc(void) {
    uint8_t b;
    return queue_take(&rx, &b, 1) ? b : -1;
}

uint32_t usbd_write(const uint8_t *data, uint32_t n) { return queue_put(&tx, data, n); }
uint32_t usbd_tx_take(uint8_t *out, uint32_t max) { return queue_take(&tx, out, max); }
uint32_t usbd_tx_pending(void) { return queued(&tx); }

const uint8_t *usbd_device_descriptor(uint16_t *len) {
    *len = sizeof device_descriptor;
    return device_descriptor;
}

const uint8_t *usbd_configuration_descriptor(uint16_t *len) {
    *len = sizeof configuration_descriptor;
    return configuration_descriptor;
}

/* USB device core of the firmware's vendor bulk link (docs/link-protocol.md,
 * "USB vendor bulk"): the descriptors, the standard control requests of USB
 * 2.0 chapter 9, and two byte queues between the bulk endpoints and the link
 * protocol. No registers here: a controller driver (usb_otg_fs_stm32f7.c on
 * the boards; the host tests' emulated bus) hands it SETUP packets and OUT
 * data and asks it for IN data, so this file runs unchanged in the tests.
 *
 * One configuration, one interface (class 0xFF, subclass 'M' 0x4D, protocol
 * 'L' 0x4C, named "MCUNet link"), bulk OUT endpoint 0x01 and bulk IN endpoint
 * 0x81 of 64 bytes (full speed). The host finds the interface by its class
 * triple, whatever the device's VID:PID. */
#ifndef MCUNET_USB_DEVICE_H
#define MCUNET_USB_DEVICE_H

#include <stdint.h>

#define USBD_VENDOR_ID 0x1209u  /* pid.codes */
#define USBD_PRODUCT_ID 0x0001u /* pid.codes' test PID: a product must register its own */
#define USBD_LINK_CLASS 0xFFu
#define USBD_LINK_SUBCLASS 0x4Du
#define USBD_LINK_PROTOCOL 0x4Cu
#define USBD_EP0_SIZE 64u
#define USBD_BULK_SIZE 64u
#define USBD_EP_OUT 0x01u
#define USBD_EP_IN 0x81u

/* What the controller must do with a SETUP packet's answer. */
enum usbd_result {
    USBD_REPLY = 0, /* send *reply (IN) or acknowledge with a zero-length status (OUT) */
    USBD_STALL = 1  /* unsupported request: stall endpoint 0 */
};

/* Resets the device state (after a bus reset): address 0, unconfigured,
 * both queues empty. `serial` (at most 24 printable ASCII characters; copied)
 * becomes string descriptor 3. */
void usbd_reset(const char *serial);

/* Handles one control request: `setup` is its 8-byte SETUP packet, `data`
 * the OUT data stage (wLength bytes, NULL when none). For IN requests *reply
 * and *reply_len give what to send (already cut to wLength). */
enum usbd_result usbd_control(const uint8_t setup[8], const uint8_t *data, const uint8_t **reply, uint16_t *reply_len);

/* The address the host set (SET_ADDRESS), to apply after the status stage. */
uint8_t usbd_address(void);
/* 1 once the host selected configuration 1: the bulk endpoints are live. */
int usbd_configured(void);
/* 1 while the host has halted endpoint `ep` (SET_FEATURE ENDPOINT_HALT): the
 * controller stalls it until CLEAR_FEATURE. */
int usbd_halted(uint8_t ep);

/* Bulk OUT: room for more bytes (the controller NAKs a packet that does not
 * fit), then the packet's bytes. */
uint32_t usbd_rx_room(void);
void usbd_rx_put(const uint8_t *data, uint32_t n);
/* Link side: the next received byte, -1 when none. */
int usbd_getc(void);
/* Link side: queues bytes for bulk IN; returns how many fit. */
uint32_t usbd_write(const uint8_t *data, uint32_t n);
/* Bulk IN: takes up to `max` queued bytes into `out` (the next packet). */
uint32_t usbd_tx_take(uint8_t *out, uint32_t max);
uint32_t usbd_tx_pending(void);

/* The whole configuration descriptor and the device descriptor, for tests
 * and drivers that need their lengths. */
const uint8_t *usbd_device_descriptor(uint16_t *len);
const uint8_t *usbd_configuration_descriptor(uint16_t *len);

#endif

/* The STM32F7's USB OTG_FS controller in device mode, driven by polling, as
 * the transport under the firmware's USB device core (usb_device.h). Board
 * layers that have the controller (board_stm32f7.c) call these. */
#ifndef MCUNET_USB_OTG_FS_H
#define MCUNET_USB_OTG_FS_H

#include <stdint.h>

/* Starts the controller (clock, PA11/PA12, core reset, device mode, FIFOs)
 * and connects to the bus. Needs the 48 MHz clock from PLLQ. Returns 0 when
 * the core does not come out of reset in time: the board then runs without
 * USB (the UART link still works). */
int usb_otg_fs_init(const char *serial);
/* Handles whatever the controller has to say (bus reset, SETUP packets, OUT
 * data, finished IN packets) and moves queued bytes to bulk IN. Call it
 * often: every board_getc does. */
void usb_otg_fs_poll(void);

#endif

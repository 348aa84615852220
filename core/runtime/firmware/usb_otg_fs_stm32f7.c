/* USB OTG_FS device driver for the STM32F7 (usb_otg_fs.h), polled, no DMA,
 * no interrupts. Written from RM0385's OTG_FS chapter (register map,
 * "core initialization", "device initialization", "device programming
 * model": reading the receive FIFO, SETUP handling, IN data transfers). Not
 * yet run on a board: the host tests run the device core (usb_device.c)
 * above it, not this file; docs/usb-devices.md says what needs hardware.
 *
 * Endpoint 0 (control, 64 bytes) and endpoint 1 (bulk IN 0x81, bulk OUT
 * 0x01, 64 bytes). FIFO RAM (320 words): receive 128 words, EP0 transmit 16
 * words at 128, EP1 transmit 64 words at 144. VBUS is not sensed (PA9 is the
 * UART's TX on STM32F746G-DISCO): the B-session is forced valid. */
#include "usb_otg_fs.h"

#include "usb_device.h"

#define REG(address) (*(volatile uint32_t *)(address))
#define OTG 0x50000000u
#define GOTGCTL REG(OTG + 0x000u)
#define GAHBCFG REG(OTG + 0x008u)
#define GUSBCFG REG(OTG + 0x00Cu)
#define GRSTCTL REG(OTG + 0x010u)
#define GINTSTS REG(OTG + 0x014u)
#define GINTMSK REG(OTG + 0x018u)
#define GRXSTSP REG(OTG + 0x020u)
#define GRXFSIZ REG(OTG + 0x024u)
#define DIEPTXF0 REG(OTG + 0x028u)
#define GCCFG REG(OTG + 0x038u)
#define DIEPTXF1 REG(OTG + 0x104u)
#define DCFG REG(OTG + 0x800u)
#define DCTL REG(OTG + 0x804u)
#define DIEPMSK REG(OTG + 0x810u)
#define DOEPMSK REG(OTG + 0x814u)
#define DAINT REG(OTG + 0x818u)
#define DAINTMSK REG(OTG + 0x81Cu)
#define DIEPCTL(n) REG(OTG + 0x900u + 0x20u * (n))
#define DIEPINT(n) REG(OTG + 0x908u + 0x20u * (n))
#define DIEPTSIZ(n) REG(OTG + 0x910u + 0x20u * (n))
#define DTXFSTS(n) REG(OTG + 0x918u + 0x20u * (n))
#define DOEPCTL(n) REG(OTG + 0xB00u + 0x20u * (n))
#define DOEPINT(n) REG(OTG + 0xB08u + 0x20u * (n))
#define DOEPTSIZ(n) REG(OTG + 0xB10u + 0x20u * (n))
#define PCGCCTL REG(OTG + 0xE00u)
#define FIFO(n) REG(OTG + 0x1000u + 0x1000u * (n))

#define RCC_AHB1ENR REG(0x40023830u)
#define RCC_AHB2ENR REG(0x40023834u)
#define GPIOA_MODER REG(0x40020000u)
#define GPIOA_OSPEEDR REG(0x40020008u)
#define GPIOA_AFRH REG(0x40020024u)

/* GINTSTS */
#define GINT_RXFLVL (1u << 4)
#define GINT_USBRST (1u << 12)
#define GINT_ENUMDNE (1u << 13)
#define GINT_IEPINT (1u << 18)
#define GINT_OEPINT (1u << 19)
/* GRSTCTL */
#define GRST_CSRST (1u << 0)
#define GRST_RXFFLSH (1u << 4)
#define GRST_TXFFLSH (1u << 5)
#define GRST_AHBIDL (1u << 31)
/* DIEPCTL / DOEPCTL */
#define EP_USBAEP (1u << 15)
#define EP_BULK (2u << 18)
#define EP_STALL (1u << 21)
#define EP_CNAK (1u << 26)
#define EP_SNAK (1u << 27)
#define EP_SD0PID (1u << 28)
#define EP_EPENA (1u << 31)
/* DIEPINT / DOEPINT */
#define EPINT_XFRC (1u << 0)
#define EPINT_STUP (1u << 3)

#define WAIT_LIMIT 1000000u

static uint8_t setup_packet[8];
static uint8_t have_setup;
static uint8_t in_busy, zlp_pending, out_paused;
static const char *serial_text;

static int wait_reg(volatile uint32_t *reg, uint32_t mask, uint32_t want) {
    uint32_t i;
    for (i = 0; i < WAIT_LIMIT; ++i)
        if ((*reg & mask) == want) return 1;
    return 0;
}

static void flush_fifos(void) {
    GRSTCTL = GRST_TXFFLSH | (0x10u << 6); /* TXFNUM 0x10: every transmit FIFO */
    (void)wait_reg(&GRSTCTL, GRST_TXFFLSH, 0);
    GRSTCTL = GRST_RXFFLSH;
    (void)wait_reg(&GRSTCTL, GRST_RXFFLSH, 0);
}

/* Writes n bytes into endpoint ep's transmit FIFO, a word at a time. */
static void fifo_write(uint32_t ep, const uint8_t *p, uint32_t n) {
    uint32_t i, words = (n + 3u) / 4u;
    for (i = 0; i < WAIT_LIMIT && (DTXFSTS(ep) & 0xFFFFu) < words; ++i) {
        /* the FIFO holds a whole packet and the last one has gone: this ends at once */
    }
    for (i = 0; i < words; ++i) {
        uint32_t w = 0, k;
        for (k = 0; k < 4u && 4u * i + k < n; ++k) w |= (uint32_t)p[4u * i + k] << (8u * k);
        FIFO(ep) = w;
    }
}

/* Reads n bytes of the packet at the head of the receive FIFO. */
static void fifo_read(uint8_t *p, uint32_t n) {
    uint32_t i, words = (n + 3u) / 4u;
    for (i = 0; i < words; ++i) {
        const uint32_t w = FIFO(0);
        uint32_t k;
        for (k = 0; k < 4u && 4u * i + k < n; ++k)
            if (p) p[4u * i + k] = (uint8_t)(w >> (8u * k));
    }
}

static void ep0_receive_setup(void) {
    DOEPTSIZ(0) = (3u << 29) | (1u << 19) | 24u; /* STUPCNT 3, PKTCNT 1, XFRSIZ 3 x 8 */
    DOEPCTL(0) |= EP_EPENA | EP_CNAK;
}

static void ep0_send(const uint8_t *p, uint16_t n) {
    DIEPTSIZ(0) = (1u << 19) | n; /* one packet (replies fit in 64 bytes) */
    DIEPCTL(0) |= EP_EPENA | EP_CNAK;
    if (n) fifo_write(0, p, n);
}

static void ep1_receive(void) {
    DOEPTSIZ(1) = (1u << 19) | USBD_BULK_SIZE;
    DOEPCTL(1) |= EP_EPENA | EP_CNAK;
}

static void ep1_activate(void) {
    DIEPCTL(1) = EP_USBAEP | EP_BULK | (1u << 22) | EP_SD0PID | USBD_BULK_SIZE; /* TXFNUM 1 */
    DOEPCTL(1) = EP_USBAEP | EP_BULK | EP_SD0PID | USBD_BULK_SIZE;
    DAINTMSK |= (1u << 1) | (1u << 17);
    in_busy = zlp_pending = out_paused = 0;
    ep1_receive();
}

static void bus_reset(void) {
    uint32_t n;
    for (n = 0; n < 2u; ++n) DOEPCTL(n) |= EP_SNAK;
    flush_fifos();
    DCFG &= ~(0x7Fu << 4); /* DAD: address 0 */
    DAINTMSK = (1u << 0) | (1u << 16);
    DIEPMSK = EPINT_XFRC;
    DOEPMSK = EPINT_XFRC | EPINT_STUP;
    DIEPCTL(1) = 0;
    DOEPCTL(1) = 0;
    usbd_reset(serial_text);
    in_busy = zlp_pending = out_paused = have_setup = 0;
    ep0_receive_setup();
}

/* The halt flags the device core keeps, mirrored onto the endpoints. */
static void apply_halts(void) {
    if (usbd_halted(USBD_EP_IN))
        DIEPCTL(1) |= EP_STALL;
    else if (DIEPCTL(1) & EP_STALL)
        DIEPCTL(1) = (DIEPCTL(1) & ~EP_STALL) | EP_SD0PID;
    if (usbd_halted(USBD_EP_OUT))
        DOEPCTL(1) |= EP_STALL;
    else if (DOEPCTL(1) & EP_STALL)
        DOEPCTL(1) = (DOEPCTL(1) & ~EP_STALL) | EP_SD0PID;
}

static void handle_setup(void) {
    const uint8_t *reply = 0;
    uint16_t n = 0;
    const int was_configured = usbd_configured();
    if (usbd_control(setup_packet, 0, &reply, &n) == USBD_STALL) {
        DIEPCTL(0) |= EP_STALL;
        DOEPCTL(0) |= EP_STALL;
        ep0_receive_setup();
        return;
    }
    if (setup_packet[1] == 0x05 && (setup_packet[0] & 0x80) == 0)
        DCFG = (DCFG & ~(0x7Fu << 4)) | ((uint32_t)usbd_address() << 4); /* the core answers the status stage at 0 */
    if (usbd_configured() && !was_configured) ep1_activate();
    if (!usbd_configured() && was_configured) {
        DIEPCTL(1) = 0;
        DOEPCTL(1) = 0;
    }
    apply_halts();
    ep0_send(reply, (setup_packet[0] & 0x80) ? n : 0); /* IN data, or the zero-length status of an OUT request */
    ep0_receive_setup(); /* the status OUT of IN requests, and the next SETUP */
}

static void read_fifo_entry(void) {
    const uint32_t status = GRXSTSP;
    const uint32_t ep = status & 0xFu, count = (status >> 4) & 0x7FFu, kind = (status >> 17) & 0xFu;
    uint8_t packet[USBD_BULK_SIZE];
    if (kind == 6u) { /* SETUP data */
        fifo_read(setup_packet, 8u);
        have_setup = 1;
    } else if (kind == 2u && count) { /* OUT data */
        fifo_read(ep == 1u && count <= sizeof packet ? packet : 0, count);
        if (ep == 1u && count <= sizeof packet) usbd_rx_put(packet, count);
    }
}

static void out_endpoints(void) {
    const uint32_t d0 = DOEPINT(0), d1 = DOEPINT(1);
    DOEPINT(0) = d0;
    DOEPINT(1) = d1;
    if ((d0 & EPINT_STUP) && have_setup) {
        have_setup = 0;
        handle_setup();
    } else if (d0 & EPINT_XFRC) {
        ep0_receive_setup();
    }
    if (d1 & EPINT_XFRC) {
        if (usbd_rx_room() >= USBD_BULK_SIZE)
            ep1_receive();
        else
            out_paused = 1; /* the endpoint NAKs until the link drains the queue */
    }
}

/* Moves queued link bytes into bulk IN packets; a transfer that ends on a
 * whole packet gets a zero-length packet so the host's read ends at once. */
static void pump_in(void) {
    uint8_t packet[USBD_BULK_SIZE];
    uint32_t n;
    if (!usbd_configured() || in_busy || usbd_halted(USBD_EP_IN)) return;
    n = usbd_tx_take(packet, USBD_BULK_SIZE);
    if (n == 0 && !zlp_pending) return;
    zlp_pending = n == USBD_BULK_SIZE && usbd_tx_pending() == 0;
    DIEPTSIZ(1) = (1u << 19) | n;
    DIEPCTL(1) |= EP_EPENA | EP_CNAK;
    if (n) fifo_write(1, packet, n);
    in_busy = 1;
}

int usb_otg_fs_init(const char *serial) {
    serial_text = serial;
    usbd_reset(serial);
    RCC_AHB1ENR |= 1u << 0;  /* GPIOAEN */
    RCC_AHB2ENR |= 1u << 7;  /* OTGFSEN */
    (void)RCC_AHB2ENR;
    /* PA11 (DM), PA12 (DP): alternate function 10, very high speed. */
    GPIOA_MODER = (GPIOA_MODER & ~(0xFu << 22)) | (0xAu << 22);
    GPIOA_OSPEEDR |= 0xFu << 22;
    GPIOA_AFRH = (GPIOA_AFRH & ~(0xFFu << 12)) | (0xAAu << 12);
    if (!wait_reg(&GRSTCTL, GRST_AHBIDL, GRST_AHBIDL)) return 0;
    GRSTCTL = GRST_CSRST;
    if (!wait_reg(&GRSTCTL, GRST_CSRST, 0)) return 0;
    GAHBCFG = 0;                                /* interrupts stay off: polled */
    GUSBCFG = (1u << 30) | (6u << 10) | (1u << 6); /* FDMOD, TRDT 6 (AHB above 32 MHz), PHYSEL (internal FS PHY) */
    if (!wait_reg(&GINTSTS, 1u, 0u)) return 0;  /* CMOD 0: the core is in device mode (up to 25 ms) */
    GCCFG = 1u << 16;                           /* PWRDWN: transceiver on; VBDEN 0: VBUS not sensed */
    GOTGCTL |= (1u << 6) | (1u << 7);           /* BVALOEN, BVALOVAL: B-session valid */
    PCGCCTL = 0;
    DCFG = 3u;                                  /* DSPD: full speed, internal PHY */
    GRXFSIZ = 128u;
    DIEPTXF0 = (16u << 16) | 128u;
    DIEPTXF1 = (64u << 16) | 144u;
    flush_fifos();
    GINTMSK = GINT_RXFLVL | GINT_USBRST | GINT_ENUMDNE | GINT_IEPINT | GINT_OEPINT;
    GINTSTS = 0xFFFFFFFFu;
    DCTL &= ~(1u << 1); /* SDIS off: connect (pull-up on DP) */
    return 1;
}

void usb_otg_fs_poll(void) {
    uint32_t status = GINTSTS, guard;
    if (status & GINT_USBRST) {
        GINTSTS = GINT_USBRST;
        bus_reset();
    }
    if (status & GINT_ENUMDNE) {
        GINTSTS = GINT_ENUMDNE;
        DIEPCTL(0) &= ~3u; /* MPSIZ 00: 64 bytes */
        DCTL |= 1u << 8;   /* CGINAK */
    }
    for (guard = 0; (GINTSTS & GINT_RXFLVL) && guard < 16u; ++guard) read_fifo_entry();
    if (DAINT & 0x30003u) {
        out_endpoints();
        if (DIEPINT(0) & EPINT_XFRC) DIEPINT(0) = EPINT_XFRC;
        if (DIEPINT(1) & EPINT_XFRC) {
            DIEPINT(1) = EPINT_XFRC;
            in_busy = 0;
        }
    }
    if (out_paused && usbd_rx_room() >= USBD_BULK_SIZE) {
        out_paused = 0;
        ep1_receive();
    }
    pump_in();
}

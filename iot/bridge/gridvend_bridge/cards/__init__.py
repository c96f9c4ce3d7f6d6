"""IC cards for card-based prepayment meters: the card logic over ISO 7816-4 APDUs, with a PC/SC
reader backend (pyscard) and an emulated card for tests and the local stack."""

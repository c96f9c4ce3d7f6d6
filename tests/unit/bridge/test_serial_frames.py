from __future__ import annotations

import pytest

from gridvend_bridge.serial_frames import ETX, MAX_PAYLOAD, STX, Frame, FrameDecoder, FrameType, crc16


def test_crc16_is_ccitt_false() -> None:
    assert crc16(b"123456789") == 0x29B1


def test_a_frame_survives_the_round_trip() -> None:
    frame = Frame(FrameType.REQUEST, 17, b'{"op":"list_keys"}')

    assert FrameDecoder().feed(frame.encode()) == [frame]


def test_frames_arriving_byte_by_byte_are_put_together() -> None:
    frames = [Frame(FrameType.RESPONSE, seq, bytes([seq]) * seq) for seq in (1, 2, 200)]
    decoder = FrameDecoder()

    received = [found for frame in frames for byte in frame.encode() for found in decoder.feed(bytes([byte]))]

    assert received == frames


def test_garbage_before_between_and_inside_frames_is_skipped() -> None:
    first = Frame(FrameType.REQUEST, 1, b"first")
    second = Frame(FrameType.REQUEST, 2, b"second")
    noise = bytes([STX, 0x01, 0x51, 0x05, 0x00]) + bytes(range(256)) + bytes([ETX, STX, STX])
    decoder = FrameDecoder()

    received = decoder.feed(noise + first.encode() + noise + second.encode() + noise[:3])

    assert received == [first, second]
    assert decoder.skipped_bytes >= 2 * len(noise)


def test_a_frame_with_a_flipped_bit_is_dropped_and_counted() -> None:
    good = Frame(FrameType.REQUEST, 9, b"payload")
    damaged = bytearray(good.encode())
    damaged[9] ^= 0x10

    decoder = FrameDecoder()
    received = decoder.feed(bytes(damaged) + good.encode())

    assert received == [good]
    assert decoder.damaged_frames == 1


def test_a_stray_header_that_stalls_is_given_up() -> None:
    stray = Frame(FrameType.REQUEST, 3, b"x" * 500).encode()[:20]
    good = Frame(FrameType.RESPONSE, 4, b"answer")
    decoder = FrameDecoder()

    assert decoder.feed(stray) == []
    decoder.drop_stalled()
    assert decoder.feed(good.encode()) == [good]


def test_payloads_over_the_limit_are_refused() -> None:
    with pytest.raises(ValueError, match="at most"):
        Frame(FrameType.REQUEST, 1, bytes(MAX_PAYLOAD + 1))

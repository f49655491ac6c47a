"""Protobuf wire format by hand (standard library only), for tests that write
events into an outbox exactly as a producer would."""


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(num, value):
    """One field: an int as a varint, a str as length-delimited UTF-8."""
    if isinstance(value, int):
        return varint(num << 3) + varint(value)
    data = value.encode("utf-8")
    return varint(num << 3 | 2) + varint(len(data)) + data

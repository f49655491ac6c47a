"""Protobuf wire format by hand (standard library only), for tests that write
events into an outbox exactly as a producer would, and read what a producer
wrote."""


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


def _varint(data, i):
    shift = v = 0
    while True:
        b = data[i]
        i += 1
        v |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return v, i


def pb_fields(data):
    """{field number: [values]} of a protobuf message (varints as int, bytes as bytes)."""
    out, i = {}, 0
    while i < len(data):
        key, i = _varint(data, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(data, i)
        elif wt == 2:
            ln, i = _varint(data, i)
            v, i = data[i:i + ln], i + ln
        else:
            raise ValueError("wire type %d" % wt)
        out.setdefault(num, []).append(v)
    return out

"""edXML packets of QCVN 102:2016: build, sign, parse and validate.

Everything about the packet's XML lives in this package (element names, the
schema, dates and the status codes), so a change of the national format or of the
hub's spelling touches one place.
"""

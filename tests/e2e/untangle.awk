# Description: undo one kind of mixing on the serial port that the root
# zone's Linux and the hypervisor (with zone1's console lines) share.
# The hypervisor writes whole lines under its lock, but the root kernel
# writes the UART directly, so a hypervisor line can land inside a root
# line: "hvbridge: serving /dev/hvb[zone1] PASS x\n" then "ridge (...)".
# A marker ("hvbridge-hyp: " or "[zoneN] ") found after the start of a
# line is split off as its own line, and the text before it is put back
# in front of the next line that is not itself a marker line.  The other
# way round too: a whole line of the root zone's init ("hvbridge-root: ")
# can land inside a hypervisor line ("[zone1" "hvbridge-root: ready\n"
# "] guest: ...\n"); it is split off the same way and the hypervisor
# line joined again.  Mixing character by character cannot be undone
# here and still fails a test.
# Also drops carriage returns.  Usage: awk -f untangle.awk LOG > LOG.txt
function marker_at(s,    a, b, c, p) {
	a = index(s, "hvbridge-hyp: ")
	b = match(s, /\[zone[0-9]+\] /) ? RSTART : 0
	c = index(s, "hvbridge-root: ")
	p = 0
	if (a > 1) p = a
	if (b > 1 && (p == 0 || b < p)) p = b
	if (c > 1 && (p == 0 || c < p)) p = c
	return p
}
function is_marker_line(s) {
	return index(s, "hvbridge-hyp: ") == 1 || s ~ /^\[zone[0-9]+\] / ||
	       index(s, "hvbridge-root: ") == 1
}
{
	sub(/\r+$/, "")
	gsub(/\r/, "")
	line = $0
	if (carry != "" && !is_marker_line(line)) {
		line = carry line
		carry = ""
	}
	while ((p = marker_at(line)) > 0) {
		carry = carry substr(line, 1, p - 1)
		line = substr(line, p)
	}
	print line
}
END { if (carry != "") print carry }

# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# apt-arm64.sh: sourced by scripts/fetch-arm64*.sh.  APT for arm64
# packages on a private state, so that they are downloaded (apt-get
# download, apt-get source --download-only) and never installed, and the
# machine's own APT and dpkg databases are never read or changed.
#
# apt_arm64_opts DIR: sets APT_OPTS, the options that point APT at DIR
# (its lists/, cache/ and status) for arm64.  The status file is empty:
# to APT nothing is installed for arm64, so the machine's dpkg database
# (amd64) is never consulted.  DIR is root's, which _apt, APT's sandbox
# user, could not write, so APT stays the caller.
apt_arm64_opts() {
	[ -f "$1/status" ] || : >"$1/status"
	# shellcheck disable=SC2034 # the caller's
	APT_OPTS=(
		-o "Dir::State::Lists=$1/lists"
		-o "Dir::Cache=$1/cache"
		-o "Dir::State::Status=$1/status"
		-o "APT::Architecture=arm64"
		-o "APT::Architectures::=arm64"
		-o "APT::Sandbox::User=$(id -un)"
		-o "Acquire::Retries=3"
		-q
	)
}

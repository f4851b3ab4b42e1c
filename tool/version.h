/* SPDX-License-Identifier: MIT */
/*
 * version.h - hvbridge's version: `hvbridge --version`, the DKMS package
 * (kmod/dkms.conf.in) and `make install` read it from here, so there is
 * one place to change it.
 */
#ifndef HVB_TOOL_VERSION_H
#define HVB_TOOL_VERSION_H

#define HVB_VERSION	"0.1.0"

#endif /* HVB_TOOL_VERSION_H */

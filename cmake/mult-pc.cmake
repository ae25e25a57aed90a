# Write and install mult.pc at install time, so that its directories are the
# ones the files really go to, even with "cmake --install --prefix DIR".
# Directories are absolute (CMAKE_INSTALL_FULL_* semantics), never
# ${prefix}/${libdir}, which breaks with an absolute libdir (zstd #2192).
#
# In: MULT_PC_IN, MULT_PC_OUT, MULT_LIBDIR, MULT_INCLUDEDIR, PROJECT_VERSION,
# PROJECT_DESCRIPTION; CMAKE_INSTALL_PREFIX as the install script sets it.
# SPDX-License-Identifier: ISC

foreach(d LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${MULT_${d}}")
    set(MULT_FULL_${d} "${MULT_${d}}")
  else()
    set(MULT_FULL_${d} "${CMAKE_INSTALL_PREFIX}/${MULT_${d}}")
  endif()
endforeach()

configure_file("${MULT_PC_IN}" "${MULT_PC_OUT}" @ONLY)
file(INSTALL "${MULT_PC_OUT}" DESTINATION "${MULT_FULL_LIBDIR}/pkgconfig")

"""leads"""
